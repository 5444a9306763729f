"""RLS003: the PR adds policies to a table whose RLS is off."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.facts import (
    NOT_GRANTED_YET,
    policy_for_statement,
    policy_table_line,
    reach,
)
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import format_qualname
from agents.sql.context import SqlRuleContext


class PolicyWithoutRls(RlsRule):
    """Policy on a table whose row level security is off.

    ## What it does
    Flags a ``CREATE POLICY`` in the PR on an exposed table whose RLS is not
    enabled at the end of the PR (splinter ``policy_exists_rls_disabled``):
    critical when ``anon``/``authenticated`` can reach the table (the finding
    names the grant), medium while nothing grants it.

    ## Why is this bad?
    Policies do nothing until RLS is enabled: the author believes the table is
    protected while every row is public to the anon key.

    ## Example
    ```sql
    create table public.notes (id bigint primary key, user_id uuid, body text);
    create policy "own notes" on public.notes for select to authenticated
      using ((select auth.uid()) = user_id);
    ```

    ## Use instead
    ```sql
    alter table public.notes enable row level security;
    ```

    ## References
    - https://supabase.com/docs/guides/database/database-advisors?lint=0007_policy_exists_rls_disabled
    """

    code: ClassVar[str] = "RLS003"
    name: ClassVar[str] = "policy-on-table-without-rls"
    severity: ClassVar[Severity] = Severity.CRITICAL
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset({"CreatePolicyStmt"})
    severity_reason: ClassVar[str] = (
        "The table the policy was meant to protect is fully open to the anon key."
    )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt in ctx.statements_of("CreatePolicyStmt"):
            policy = policy_for_statement(ctx, stmt)
            if policy is None:
                continue
            table = ctx.after.tables.get(policy.table)
            if table is None or table.rls_enabled:
                continue
            exposure = reach(ctx.after, policy.table)
            if not exposure.exposed_schema:
                continue
            head = (
                f'Policy "{policy.name}" is on `{format_qualname(policy.table)}`, whose row level '
                "security is not enabled: the policy has no effect"
            )
            fix = f"Add `alter table {format_qualname(policy.table)} enable row level security;`."
            if not exposure.reachable:
                yield self.finding(
                    ctx.path,
                    policy_table_line(ctx, stmt),
                    f"{head}. {NOT_GRANTED_YET}",
                    fix,
                    severity=Severity.MEDIUM,
                )
                continue
            yield self.finding(
                ctx.path,
                policy_table_line(ctx, stmt),
                f"{head} and every row is public to {exposure.who}{exposure.because()}.",
                fix,
            )
