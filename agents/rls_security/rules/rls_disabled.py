"""RLS002: the PR turns row level security off on an exposed table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.facts import NOT_GRANTED_YET, reach
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import format_qualname, qualname_of_rangevar
from agents.sql.context import SqlRuleContext


class RlsDisabled(RlsRule):
    """Row level security disabled on an exposed table.

    ## What it does
    Flags ``ALTER TABLE … DISABLE ROW LEVEL SECURITY`` in the PR on a table in
    an exposed schema, when RLS stays off at the end of the PR: critical when
    ``anon``/``authenticated`` can reach the table (the finding names the
    grant), medium when nothing grants it yet.

    ## Why is this bad?
    Every policy stops applying at once: the whole table becomes readable and
    writable with the anon key.  It is often done "to fix realtime" or a
    failing insert, and forgotten.

    ## Example
    ```sql
    alter table public.messages disable row level security;
    ```

    ## Use instead
    ```sql
    -- keep RLS on and fix the policy that blocks the legitimate access
    create policy "members read messages" on public.messages for select
      to authenticated using (room_id in (select private.my_room_ids()));
    ```

    ## References
    - https://supabase.com/docs/guides/database/postgres/row-level-security
    """

    code: ClassVar[str] = "RLS002"
    name: ClassVar[str] = "rls-disabled"
    severity: ClassVar[Severity] = Severity.CRITICAL
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"AlterTableStmt.AT_DisableRowSecurity"}
    )
    severity_reason: ClassVar[str] = (
        "All rows become public to the anon key (medium while no grant reaches the table)."
    )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt in ctx.statements_of("AlterTableStmt"):
            cmds = [c.get("AlterTableCmd", {}) for c in stmt.node.get("cmds") or []]
            if not any(c.get("subtype") == "AT_DisableRowSecurity" for c in cmds):
                continue
            name = qualname_of_rangevar(stmt.node.get("relation"))
            table = ctx.after.tables.get(name)
            if table is None or table.rls_enabled:
                continue
            exposure = reach(ctx.after, name)
            if not exposure.exposed_schema:
                continue
            line = ctx.find_line(stmt, "disable") or stmt.line
            help_text = (
                "Keep row level security enabled and fix or add the policy that blocks the access "
                "you need."
            )
            if not exposure.reachable:
                yield self.finding(
                    ctx.path,
                    line,
                    f"RLS is disabled on `{format_qualname(name)}`: its policies no longer apply. "
                    + NOT_GRANTED_YET,
                    help_text,
                    severity=Severity.MEDIUM,
                )
                continue
            yield self.finding(
                ctx.path,
                line,
                f"RLS is disabled on `{format_qualname(name)}`: its policies no longer apply and "
                f"{exposure.who} can read and change every row via the Data API"
                f"{exposure.because()}.",
                help_text,
            )
