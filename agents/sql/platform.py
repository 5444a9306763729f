"""Supabase's default grants, and which of its two regimes a migration ran under.

Until 2026 every new table, view, sequence and function that ``postgres``
created in ``public`` was granted to ``anon``, ``authenticated`` and
``service_role`` by default privileges (``alter default privileges for role
postgres in schema public grant all on tables to anon, …``).  Supabase then
removed those defaults ("secure by default"): opt-in from 2026-04-28, the
default for new projects from 2026-05-30, and applied to every existing
hosted project on **2026-10-30**.  Existing tables kept their grants; a table
created afterwards is reachable through the Data API only when something
grants it.  ``EXECUTE`` on new functions still goes to PUBLIC (PostgreSQL's own
default) in both regimes, and TRUNCATE/REFERENCES/TRIGGER stay granted.
(Facts and sources: ``shared/SUPABASE-PLATFORM.md`` §6.)

The regime a migration ran under is decided, in order, by

1. the project's ``config.toml`` ``[api] auto_expose_new_tables`` when it is
   set (``true``: the legacy grants; ``false``: the restricted defaults), and
2. the migration's version timestamp (its file name's leading digits): before
   ``20261030000000`` legacy, from then on restricted.

Replay keeps the catalogue's default privileges faithful to that history: the
first migration that ran under the restricted regime applies, just before its
own statements, the same revoke the platform ran
(:func:`restrict_defaults`).  A migration whose name carries no version does
not move the regime.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath

from agents.sql.model import SUPABASE_API_ROLES, Catalog

RESTRICTED_SINCE = "20261030000000"
"""Version (``YYYYMMDDHHMMSS``) from which hosted projects no longer grant new tables."""

_VERSION = re.compile(r"^(\d{8,14})_")

_REVOKED_ON_TABLES = frozenset({"SELECT", "INSERT", "UPDATE", "DELETE"})
_REVOKED_ON_SEQUENCES = frozenset({"USAGE", "SELECT"})


class GrantRegime(StrEnum):
    """Which default grants new objects in ``public`` get."""

    LEGACY = "legacy"
    """Every new table, view, sequence and function granted to anon/authenticated."""
    RESTRICTED = "restricted"
    """Only what a migration grants explicitly (EXECUTE still to PUBLIC)."""


@dataclass(frozen=True)
class ApiSettings:
    """The ``[api]`` settings of one project's ``config.toml`` that the SQL rules read."""

    exposed_schemas: tuple[str, ...]
    auto_expose_new_tables: bool | None = None
    """``[api] auto_expose_new_tables``; None when the file does not set it."""


def migration_version(path: str) -> str | None:
    """The version of a migration file (``20240101120000_init.sql`` → ``20240101120000``)."""
    m = _VERSION.match(PurePosixPath(path).name)
    return m.group(1) if m else None


def regime_for(path: str, auto_expose: bool | None) -> GrantRegime | None:
    """The regime ``path`` ran under; None when neither config nor name says."""
    if auto_expose is not None:
        return GrantRegime.LEGACY if auto_expose else GrantRegime.RESTRICTED
    version = migration_version(path)
    if version is None:
        return None
    # a shorter version (YYYYMMDD) compares as its start of day
    return GrantRegime.RESTRICTED if version.ljust(14, "0") >= RESTRICTED_SINCE else None


def enter_migration(catalog: Catalog, path: str, auto_expose: bool | None) -> None:
    """Bring the catalogue's platform defaults to the regime ``path`` ran under.

    Only ever moves from legacy to restricted: the platform's change is one-way.
    """
    if catalog.grant_regime == GrantRegime.RESTRICTED.value:
        return
    if regime_for(path, auto_expose) is GrantRegime.RESTRICTED:
        restrict_defaults(catalog, f"before {PurePosixPath(path).name}")


def restrict_defaults(catalog: Catalog, when: str) -> None:
    """Apply the platform's revoke of the API roles' default privileges in ``public``.

    The same statements Supabase ran on every project (``alter default
    privileges for role postgres in schema public revoke select, insert,
    update, delete on tables from anon, authenticated, service_role``, and
    the sequence and function equivalents).  Explicit grants already made are
    untouched, as on the platform.
    """
    catalog.grant_regime = GrantRegime.RESTRICTED.value
    for kind, revoked in (
        ("table", _REVOKED_ON_TABLES),
        ("sequence", _REVOKED_ON_SEQUENCES),
        ("function", frozenset({"EXECUTE"})),
    ):
        grants = catalog.default_privileges.get(("public", kind))  # type: ignore[arg-type]
        if grants is None:
            continue
        for role in SUPABASE_API_ROLES:
            if role in grants:
                grants[role] -= revoked
                if not grants[role] - {"TRUNCATE", "REFERENCES", "TRIGGER"}:
                    catalog.default_sources.pop(("public", kind, role), None)  # type: ignore[arg-type]
    catalog.regime_changed_at = when


def read_api_settings(text: str | None) -> tuple[ApiSettings, str | None]:
    """``[api]`` of a ``config.toml`` (defaults when absent), and a parse error if any."""
    default = ApiSettings(exposed_schemas=("public", "graphql_public"))
    if text is None:
        return default, None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return default, str(exc)
    api = data.get("api")
    if not isinstance(api, dict):
        return default, None
    exposed = default.exposed_schemas
    schemas = api.get("schemas")
    if isinstance(schemas, list) and all(isinstance(s, str) for s in schemas):
        exposed = tuple(s.lower() for s in schemas)
    if api.get("enabled") is False:
        exposed = ()
    auto = api.get("auto_expose_new_tables")
    return ApiSettings(exposed, auto if isinstance(auto, bool) else None), None
