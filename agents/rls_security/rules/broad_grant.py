"""RLS018: write privileges (or EXECUTE on a definer function) granted to anon or PUBLIC."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import format_qualname, qualname_of_names, role_names, strings
from agents.sql.context import SqlRuleContext
from agents.sql.model import Catalog, ObjectKind, Origin, QualName
from agents.sql.parse import Statement

_WRITE = frozenset({"INSERT", "UPDATE", "DELETE", "TRUNCATE"})
_BROAD = ("anon", "public")
_FUNCTION_TYPES = ("OBJECT_FUNCTION", "OBJECT_ROUTINE", "OBJECT_PROCEDURE")


def _took_effect(
    cat: Catalog, kind: ObjectKind, obj: QualName, roles: list[str], here: Origin
) -> set[str]:
    """Privileges on ``obj`` that the statement at ``here`` gave one of ``roles`` and that
    still hold after the PR (a grant restating what the role already had gave nothing)."""
    out: set[str] = set()
    for role in roles:
        for privilege, source in cat.grant_sources.get((kind, obj), {}).get(role, {}).items():
            if source.origin == here:
                out.add(privilege)
    return out


@dataclass
class _TableGrants:
    """What the file's grants gave anon/PUBLIC on one table."""

    line: int
    privileges: set[str] = field(default_factory=set)
    lines: list[int] = field(default_factory=list)
    roles: set[str] = field(default_factory=set)


class BroadGrant(RlsRule):
    """Write access or definer EXECUTE granted to ``anon`` or PUBLIC.

    ## What it does
    Flags grants that give ``anon`` or PUBLIC something they did not have:
    INSERT/UPDATE/DELETE/TRUNCATE on a table with RLS (one finding per table
    and file, listing the grant lines), the same ``ON ALL TABLES IN SCHEMA``
    or through ``ALTER DEFAULT PRIVILEGES`` (every future table), and
    ``GRANT EXECUTE`` on a ``SECURITY DEFINER`` function.  A grant that only
    restates what the role already held is not flagged: ``supabase db diff``
    writes one ``grant`` per privilege and role for every table, and under
    Supabase's legacy defaults (migrations dated before 2026-10-30) the API
    roles already hold all of them; likewise ``alter default privileges``
    lines that restate the platform's defaults.  A table without RLS is judged
    by ``table-without-rls`` and ``security-state-regressed``, which name the
    grant that exposes it.

    ## Why is this bad?
    Signed-out visitors should rarely write anything; with such a grant, one
    permissive policy mistake (or RLS switched off) becomes an open write for
    the whole internet.  PUBLIC includes every role.  A definer function
    executable by anon is reachable without signing in and bypasses RLS.

    ## Example
    ```sql
    grant insert, update, delete on public.orders to anon;
    ```

    ## Use instead
    ```sql
    grant select on public.orders to anon;
    grant insert, update on public.orders to authenticated;
    ```

    ## References
    - https://supabase.com/docs/guides/database/postgres/roles
    - https://supabase.com/docs/guides/api/securing-your-api
    """

    code: ClassVar[str] = "RLS018"
    name: ClassVar[str] = "broad-grant"
    severity: ClassVar[Severity] = Severity.MEDIUM
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"AlterDefaultPrivilegesStmt", "GrantStmt"}
    )
    severity_reason: ClassVar[str] = (
        "Widens what one policy mistake exposes (high when schema-wide or for every future table)."
    )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        tables: dict[QualName, _TableGrants] = {}
        for stmt in ctx.statements_of("GrantStmt", "AlterDefaultPrivilegesStmt"):
            if stmt.kind == "AlterDefaultPrivilegesStmt":
                yield from self._default_privileges(ctx, stmt)
                continue
            node = stmt.node
            if not node.get("is_grant"):
                continue
            grantees = [r for r in role_names(node.get("grantees")) if r in _BROAD]
            if not grantees:
                continue
            objtype = node.get("objtype")
            if objtype in _FUNCTION_TYPES:
                yield from self._definer_execute(ctx, stmt, grantees)
            elif objtype == "OBJECT_TABLE":
                self._table_grant(ctx, stmt, grantees, tables)
        for name, grants in tables.items():
            who = " and ".join("PUBLIC" if r == "public" else r for r in sorted(grants.roles))
            others = [n for n in grants.lines if n != grants.line]
            also = f" (also lines {', '.join(map(str, others))})" if others else ""
            yield self.finding(
                ctx.path,
                grants.line,
                f"Grants {', '.join(sorted(grants.privileges))} on `{format_qualname(name)}` to "
                f"{who}{also}: signed-out visitors may write to it, held back only by its "
                "policies.",
                "Grant writes to `authenticated` (or nobody: use a checked RPC), and keep anon "
                "read-only.",
            )

    def _table_grant(
        self,
        ctx: SqlRuleContext,
        stmt: Statement,
        grantees: list[str],
        tables: dict[QualName, _TableGrants],
    ) -> None:
        here = Origin(ctx.path, stmt.line)
        schema_wide = stmt.node.get("targtype") == "ACL_TARGET_ALL_IN_SCHEMA"
        targets = (
            [n for n in ctx.after.tables if n[0] in strings(stmt.node.get("objects"))]
            if schema_wide
            else [
                qualname_of_names(
                    [
                        str(part)
                        for part in (
                            (obj.get("RangeVar") or obj).get("schemaname"),
                            (obj.get("RangeVar") or obj).get("relname"),
                        )
                        if part
                    ]
                )
                for obj in stmt.node.get("objects") or []
            ]
        )
        for name in targets:
            table = ctx.after.tables.get(name)
            if table is None or not table.rls_enabled:
                continue  # no RLS: table-without-rls / security-state-regressed say it
            gained = _took_effect(ctx.after, "table", name, grantees, here) & _WRITE
            if not gained:
                continue
            entry = tables.setdefault(name, _TableGrants(line=stmt.line))
            entry.privileges |= gained
            entry.roles |= set(grantees)
            if stmt.line not in entry.lines:
                entry.lines.append(stmt.line)

    def _default_privileges(self, ctx: SqlRuleContext, stmt: Statement) -> Iterator[Finding]:
        action = stmt.node.get("action") or {}
        if not action.get("is_grant") or action.get("objtype") != "OBJECT_TABLE":
            return
        grantees = [r for r in role_names(action.get("grantees")) if r in _BROAD]
        privileges = {
            str((p.get("AccessPriv") or {}).get("priv_name") or "all").upper()
            for p in action.get("privileges") or []
        } or {"ALL"}
        if not grantees or not (privileges & (_WRITE | {"ALL"})):
            return
        here = Origin(ctx.path, stmt.line)
        changed = [
            key
            for key, source in ctx.after.default_sources.items()
            if key[1] == "table" and key[2] in grantees and source.origin == here
        ]
        if not changed:
            return  # restates a default already in force (the platform's own, under legacy)
        who = " and ".join("PUBLIC" if r == "public" else r for r in grantees)
        yield self.finding(
            ctx.path,
            stmt.line,
            f"Default privileges now grant {who} write access to every table created from here "
            "on: each new table is writable by signed-out visitors the moment it exists, "
            "before any RLS is enabled.",
            "Grant per table, to `authenticated`, in the migration that enables RLS on it.",
            severity=Severity.HIGH,
        )

    def _definer_execute(
        self, ctx: SqlRuleContext, stmt: Statement, grantees: list[str]
    ) -> Iterator[Finding]:
        here = Origin(ctx.path, stmt.line)
        who = " and ".join("PUBLIC" if g == "public" else g for g in grantees)
        for obj in stmt.node.get("objects") or []:
            owa = obj.get("ObjectWithArgs", obj)
            fn = ctx.after.functions.get(qualname_of_names(strings(owa.get("objname"))))
            if fn is None or not fn.security_definer:
                continue
            if not _took_effect(ctx.after, "function", fn.qualname, grantees, here):
                continue  # PUBLIC could already execute it
            yield self.finding(
                ctx.path,
                stmt.line,
                f"Grants EXECUTE on SECURITY DEFINER `{fn.schema}.{fn.name}` to {who}: "
                "callable without signing in, bypassing RLS.",
                "Grant EXECUTE to `authenticated` only, after checking the caller inside.",
            )
