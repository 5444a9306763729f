"""RLS004: RLS enabled with no policy at all (deny-all; info)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import format_qualname, qualname_of_rangevar
from agents.sql.context import SqlRuleContext


class RlsEnabledNoPolicy(RlsRule):
    """RLS enabled but no policy: only the service role can use the table.

    ## What it does
    Notes a table whose RLS the PR enables (or that the PR creates) in an
    exposed schema when, at the end of the PR, it has no policy at all
    (splinter ``rls_enabled_no_policy``).

    ## Why is this bad?
    Often it is intended (a table only the service role writes), but when it
    is not, every API request silently returns nothing.  Reported as info so
    the author can confirm.

    ## Example
    ```sql
    alter table public.page_views enable row level security;
    ```

    ## Use instead
    ```sql
    alter table public.page_views enable row level security;
    -- intended: written and read only by the service role (no policies)
    ```

    ## References
    - https://supabase.com/docs/guides/database/database-advisors?lint=0008_rls_enabled_no_policy
    """

    code: ClassVar[str] = "RLS004"
    name: ClassVar[str] = "rls-enabled-no-policy"
    severity: ClassVar[Severity] = Severity.INFO
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"AlterTableStmt.AT_EnableRowSecurity"}
    )
    severity_reason: ClassVar[str] = (
        "Deny-all is safe and often intended; it is worth a confirmation."
    )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        seen: set[tuple[str, str]] = set()
        for stmt in ctx.statements_of("AlterTableStmt"):
            cmds = [c.get("AlterTableCmd", {}) for c in stmt.node.get("cmds") or []]
            if not any(c.get("subtype") == "AT_EnableRowSecurity" for c in cmds):
                continue
            name = qualname_of_rangevar(stmt.node.get("relation"))
            table = ctx.after.tables.get(name)
            if name in seen or table is None or not table.rls_enabled:
                continue
            if not ctx.after.is_exposed(name[0]) or ctx.after.policies_on(name):
                continue
            seen.add(name)
            yield self.finding(
                ctx.path,
                stmt.line,
                f"`{format_qualname(name)}` has RLS enabled and no policy: only the service role "
                "can read or write it.",
                "If API users need access, add policies; if not, a comment saying so helps "
                "reviewers.",
            )
