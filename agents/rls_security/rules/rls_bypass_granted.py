"""RLS027: the PR hands an API role a way around RLS (BYPASSRLS, a privileged role)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import role_names
from agents.sql.context import SqlRuleContext

_API = frozenset({"anon", "authenticated", "public", "authenticator"})
_PRIVILEGED = frozenset(
    {"service_role", "postgres", "supabase_admin", "pg_read_all_data", "pg_write_all_data"}
)


class RlsBypassGranted(RlsRule):
    """An API role gets BYPASSRLS or a privileged role.

    ## What it does
    Flags ``ALTER ROLE anon|authenticated … BYPASSRLS`` and ``GRANT
    service_role|postgres|pg_read_all_data|pg_write_all_data TO
    anon|authenticated|PUBLIC``.

    ## Why is this bad?
    Every API request runs as ``anon`` or ``authenticated``.  Giving those
    roles BYPASSRLS, or membership in a role that has it, switches off every
    policy of the project at once.

    ## Example
    ```sql
    grant service_role to authenticated;
    ```

    ## Use instead
    ```sql
    -- keep privileged work in Edge Functions or SECURITY DEFINER functions that check the caller
    ```

    ## References
    - https://supabase.com/docs/guides/database/postgres/roles
    - https://www.postgresql.org/docs/current/ddl-rowsecurity.html
    """

    code: ClassVar[str] = "RLS027"
    name: ClassVar[str] = "rls-bypass-granted"
    severity: ClassVar[Severity] = Severity.CRITICAL
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset({"AlterRoleStmt", "GrantRoleStmt"})
    severity_reason: ClassVar[str] = "Every policy of every table stops applying to API callers."

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt in ctx.statements_of("AlterRoleStmt", "GrantRoleStmt"):
            node = stmt.node
            if stmt.kind == "AlterRoleStmt":
                roles = set(role_names([node.get("role") or {}])) & _API
                bypass = any(
                    (o.get("DefElem") or {}).get("defname") == "bypassrls"
                    and ((o.get("DefElem") or {}).get("arg") or {})
                    .get("Boolean", {})
                    .get("boolval")
                    for o in node.get("options") or []
                )
                if not roles or not bypass:
                    continue
                what = f"BYPASSRLS to {', '.join(sorted(roles))}"
            else:
                if not node.get("is_grant"):
                    continue
                granted = {
                    str((p.get("AccessPriv") or {}).get("priv_name", "")).lower()
                    for p in node.get("granted_roles") or []
                } & _PRIVILEGED
                roles = set(role_names(node.get("grantee_roles"))) & _API
                if not granted or not roles:
                    continue
                what = f"{', '.join(sorted(granted))} to {', '.join(sorted(roles))}"
            yield self.finding(
                ctx.path,
                stmt.line,
                f"Grants {what}: API requests would ignore row level security everywhere.",
                "Remove it; do privileged work in an Edge Function with the service key or in a "
                "SECURITY DEFINER function that checks the caller.",
            )
