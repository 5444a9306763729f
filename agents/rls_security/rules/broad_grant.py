"""RLS018: write privileges (or EXECUTE on a definer function) granted to anon or PUBLIC."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import qualname_of_names, qualname_of_rangevar, role_names, strings
from agents.sql.context import SqlRuleContext

_WRITE = frozenset({"INSERT", "UPDATE", "DELETE", "TRUNCATE", "ALL"})
_BROAD = ("anon", "public")


class BroadGrant(RlsRule):
    """Write access or definer EXECUTE granted to ``anon`` or PUBLIC.

    ## What it does
    Flags ``GRANT INSERT/UPDATE/DELETE/TRUNCATE/ALL`` on tables (or ``ON ALL
    TABLES IN SCHEMA``, or via ``ALTER DEFAULT PRIVILEGES``) to ``anon`` or
    PUBLIC, and ``GRANT EXECUTE`` to them on a ``SECURITY DEFINER`` function.

    ## Why is this bad?
    Signed-out visitors should rarely write anything; with such a grant, one
    permissive policy mistake (or RLS switched off) becomes an open write for
    the whole internet.  PUBLIC includes every role.  A definer function
    executable by anon is reachable without signing in and bypasses RLS.

    ## Example
    ```sql
    grant all on public.orders to anon;
    ```

    ## Use instead
    ```sql
    grant select on public.orders to authenticated;
    ```

    ## References
    - https://supabase.com/docs/guides/database/postgres/roles
    - https://supabase.com/docs/guides/api/securing-your-api
    """

    code: ClassVar[str] = "RLS018"
    name: ClassVar[str] = "broad-grant"
    severity: ClassVar[Severity] = Severity.MEDIUM
    severity_reason: ClassVar[str] = (
        "Widens what one policy mistake exposes; high when the table has no RLS or it is "
        "schema-wide."
    )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt in ctx.statements_of("GrantStmt", "AlterDefaultPrivilegesStmt"):
            node = stmt.node if stmt.kind == "GrantStmt" else (stmt.node.get("action") or {})
            if not node.get("is_grant"):
                continue
            grantees = [r for r in role_names(node.get("grantees")) if r in _BROAD]
            if not grantees:
                continue
            privs = {
                str((p.get("AccessPriv") or {}).get("priv_name") or "all").upper()
                for p in node.get("privileges") or []
            } or {"ALL"}
            objtype = node.get("objtype")
            who = " and ".join("PUBLIC" if g == "public" else g for g in grantees)
            if objtype == "OBJECT_TABLE" and privs & _WRITE:
                wide = (
                    stmt.kind != "GrantStmt" or node.get("targtype") == "ACL_TARGET_ALL_IN_SCHEMA"
                )
                no_rls = False
                for obj in node.get("objects") or []:
                    if "RangeVar" in obj:
                        table = ctx.after.tables.get(qualname_of_rangevar(obj))
                        no_rls = no_rls or (table is not None and not table.rls_enabled)
                severity = Severity.HIGH if wide or no_rls else Severity.MEDIUM
                yield self.finding(
                    ctx.path,
                    stmt.line,
                    f"Grants {', '.join(sorted(privs & _WRITE))} to {who}: signed-out visitors may "
                    "write" + (" to every table in the schema" if wide else "") + ".",
                    "Grant writes to `authenticated` (or nobody: use a checked RPC), and keep anon "
                    "read-only.",
                    severity=severity,
                )
            elif (
                objtype in ("OBJECT_FUNCTION", "OBJECT_ROUTINE", "OBJECT_PROCEDURE")
                and stmt.kind == "GrantStmt"
            ):
                for obj in node.get("objects") or []:
                    owa = obj.get("ObjectWithArgs", obj)
                    fn = ctx.after.functions.get(qualname_of_names(strings(owa.get("objname"))))
                    if fn is None or not fn.security_definer:
                        continue
                    yield self.finding(
                        ctx.path,
                        stmt.line,
                        f"Grants EXECUTE on SECURITY DEFINER `{fn.schema}.{fn.name}` to {who}: "
                        "callable without signing in, bypassing RLS.",
                        "Grant EXECUTE to `authenticated` only, after checking the caller inside.",
                    )
