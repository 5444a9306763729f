"""Which default privileges a migration ran under: Supabase's two regimes.

* **legacy** — every new table, sequence and function ``postgres`` creates in
  ``public`` is granted to ``anon``, ``authenticated`` and ``service_role``
  (``alter default privileges … grant all``): RLS is the only protection.
* **secure** — in force on every hosted project since **2026-10-30** (new
  projects since 2026-05-30): the ``FOR ROLE postgres`` defaults for SELECT,
  INSERT, UPDATE, DELETE on tables and USAGE/SELECT on sequences and EXECUTE on
  functions are revoked from the API roles, so a new table is reachable by no
  API role until the project grants it.  Functions stay executable by
  everyone through PUBLIC (Supabase never revokes that).

A migration runs under the regime of its time: ``[api] auto_expose_new_tables``
in the project's ``config.toml`` when present (true → legacy), else its version
timestamp (before ``20261030000000`` → legacy), unless the review's config sets
``grant_regime``.  Sources: ../shared/SUPABASE-PLATFORM.md §6.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from typing import Literal

Regime = Literal["legacy", "secure"]
RegimeSetting = Literal["auto", "legacy", "secure"]

CUTOFF_VERSION = "20261030000000"
"""Migrations with a version at or after this ran under the secure regime (hosted)."""

DEFAULT_EXPOSED = ("public", "graphql_public")
"""``[api] schemas`` when config.toml does not say (the CLI template's default)."""

_API_ROLES = "anon, authenticated, service_role"

SWITCH_SQL: dict[Regime, tuple[str, ...]] = {
    "legacy": (
        f"alter default privileges for role postgres in schema public "
        f"grant all on tables to {_API_ROLES}",
        f"alter default privileges for role postgres in schema public "
        f"grant all on sequences to {_API_ROLES}",
        f"alter default privileges for role postgres in schema public "
        f"grant all on functions to {_API_ROLES}",
    ),
    # Exactly CLI internal/db/start/start.go RevokeDefaultDataApiPrivilegesSql.
    "secure": (
        f"alter default privileges for role postgres in schema public "
        f"revoke select, insert, update, delete on tables from {_API_ROLES}",
        f"alter default privileges for role postgres in schema public "
        f"revoke usage, select on sequences from {_API_ROLES}",
        f"alter default privileges for role postgres in schema public "
        f"revoke execute on functions from {_API_ROLES}",
    ),
}


@dataclass(frozen=True)
class ApiSettings:
    """The ``[api]`` section of a project's ``config.toml`` that matters here."""

    auto_expose_new_tables: bool | None = None
    """None: the key is absent (fall back to the migration's date)."""
    schemas: tuple[str, ...] = DEFAULT_EXPOSED
    """Schemas the Data API serves."""


def read_api_settings(config_text: str | None) -> tuple[ApiSettings, str | None]:
    """Parse config.toml; returns the settings and a note when it cannot be read."""
    if not config_text:
        return ApiSettings(), None
    try:
        data = tomllib.loads(config_text)
    except tomllib.TOMLDecodeError as exc:
        return ApiSettings(), f"config.toml does not parse ({exc}); using Supabase's defaults"
    api = data.get("api")
    if not isinstance(api, dict):
        return ApiSettings(), None
    expose = api.get("auto_expose_new_tables")
    schemas = api.get("schemas")
    return (
        ApiSettings(
            auto_expose_new_tables=expose if isinstance(expose, bool) else None,
            schemas=tuple(str(s) for s in schemas)
            if isinstance(schemas, list) and schemas
            else DEFAULT_EXPOSED,
        ),
        None,
    )


def regime_for(version: str, api: ApiSettings, setting: RegimeSetting = "auto") -> Regime:
    """The default-privilege regime migration ``version`` was applied under."""
    if setting != "auto":
        return setting
    if api.auto_expose_new_tables is not None:
        return "legacy" if api.auto_expose_new_tables else "secure"
    return "legacy" if version[:14].ljust(14, "0") < CUTOFF_VERSION else "secure"
