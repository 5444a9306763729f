"""Is a failed statement a deploy failure, or something this stand-in cannot judge?

Honesty rule: the review claims "this migration fails to deploy" only when the
failure does not involve anything we only approximate.  It is *unverified*
(reported as info, with the reason) when the error comes from

* a stand-in extension (SQLSTATE ``AR000``) or an extension the server lacks
  (``extension "postgis" is not available``, a missing library);
* a missing object in a schema only extensions or Supabase services create
  (``net``, ``cron``, ``vault``…) or a platform object we do not model
  (``auth.mfa_factors``, ``storage.search``…);
* a policy/trigger statement on a platform table we ran under ``set role``
  to stand in for supautils, failing on a permission;
* an earlier file that could not be verified, or a base migration that did not
  apply (the failure may follow from it);
* a missing object when the project has no migration history before the PR:
  the schema may have been made outside migrations (a setup script, the
  dashboard), so "does not exist" here says nothing about the deployed database.
"""

from __future__ import annotations

import re
from typing import Literal

from agents.database.extensions import EXTENSION_SCHEMAS
from agents.database.platform import UNMODELLED_PLATFORM_OBJECTS
from agents.sql.parse import Statement, walk

Verdict = Literal["fails", "unverified"]
"""A failure is a deploy failure, or something this stand-in cannot judge."""

STUB_SQLSTATE = "AR000"
_UNDEFINED = frozenset({"42883", "42704", "3F000", "42P01", "42703"})
"""undefined function / object / schema / table / column."""
AFTER_A_MISSING_EXTENSION = _UNDEFINED | {"42501"}
"""What a statement fails with when an extension the server lacks was left out: something
undefined, or a privilege only its installation gives (creating a foreign-data wrapper)."""
_QUOTED = re.compile(r'"([^"]+)"')
_DOTTED = re.compile(r"\b([a-z_][a-z0-9_$]*)\.([a-z_][a-z0-9_$]*)\b")


def _names_in_message(message: str) -> set[str]:
    """Identifiers PostgreSQL quoted or dotted in its message (``schema "net"``, ``cron.job``)."""
    names: set[str] = set()
    for quoted in _QUOTED.findall(message):
        names.update(quoted.split("."))
    for schema, name in _DOTTED.findall(message):
        names.update((schema, name))
    return names


def _schemas_in(stmt: Statement | None) -> set[str]:
    if stmt is None:
        return set()
    found: set[str] = set()
    for kind, node in walk(stmt.node):
        if kind == "RangeVar" and node.get("schemaname"):
            found.add(str(node["schemaname"]))
        elif kind in ("FuncCall", "TypeName"):
            names = node.get("funcname") or node.get("names") or []
            parts = [str((n.get("String") or {}).get("sval", "")) for n in names]
            if len(parts) >= 2:
                found.add(parts[-2])
    return found


def classify_failure(
    sqlstate: str,
    message: str,
    stmt: Statement | None,
    *,
    emulated: bool,
    earlier_unverified: list[str],
    base_failed: list[str],
    no_history: bool = False,
    extensions_skipped: tuple[str, ...] = (),
) -> tuple[Verdict, str | None]:
    """(``fails`` | ``unverified``, reason) for one failed statement."""
    lowered = message.lower()
    if sqlstate == STUB_SQLSTATE:
        return "unverified", "it calls a stand-in extension function that cannot run here"
    if "extension" in lowered and ("is not available" in lowered or "control file" in lowered):
        return "unverified", "the extension is not available on the review's PostgreSQL"
    if sqlstate == "58P01":
        return "unverified", "a library of the server is missing"
    if sqlstate == "42501" and "extension" in lowered:
        return "unverified", "the extension can only be created by a superuser here"
    if sqlstate in _UNDEFINED:
        names = _names_in_message(message)
        if names & EXTENSION_SCHEMAS or _schemas_in(stmt) & EXTENSION_SCHEMAS & names:
            return "unverified", "it uses an extension's objects that the review's stand-in lacks"
        if names & UNMODELLED_PLATFORM_OBJECTS:
            return "unverified", "it uses a Supabase platform object the review does not model"
    if emulated and sqlstate == "42501":
        return "unverified", (
            "policy/trigger statements on Supabase's own tables run through supautils, "
            "which the review only approximates"
        )
    if extensions_skipped and sqlstate in AFTER_A_MISSING_EXTENSION:
        return "unverified", (
            f"the review could not install {', '.join(extensions_skipped)}, which this may rely on"
        )
    if earlier_unverified:
        return "unverified", (
            f"an earlier migration could not be verified ({earlier_unverified[-1]}); "
            "this failure may follow from it"
        )
    if base_failed:
        return "unverified", (
            f"the base history did not fully apply ({base_failed[0]} failed); "
            "this failure may follow from it"
        )
    if no_history and sqlstate in _UNDEFINED:
        return "unverified", (
            "the project has no migrations before this PR, so what its database already "
            "holds (made by a script or the dashboard) is unknown to the review"
        )
    return "fails", None
