"""RLS006: a policy without ``TO`` whose condition needs a signed-in user (info)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.facts import policy_for_statement, policy_table_line
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import references_identity
from agents.sql.context import SqlRuleContext


class PolicyWithoutRole(RlsRule):
    """Policy without a ``TO`` role that only makes sense for signed-in users.

    ## What it does
    Notes a ``CREATE POLICY`` with no ``TO`` clause (so it applies to PUBLIC,
    ``anon`` included) whose condition reads ``auth.uid()``/``auth.jwt()``.

    ## Why is this bad?
    For ``anon`` the condition is evaluated on every row only to find that
    ``auth.uid()`` is null: wasted work, and one refactor of the condition
    away from a leak.  Supabase recommends always naming the role.  Reported
    as info: by itself it opens nothing.

    ## Example
    ```sql
    create policy "own rows" on public.notes for select using ((select auth.uid()) = user_id);
    ```

    ## Use instead
    ```sql
    create policy "own rows" on public.notes for select to authenticated
      using ((select auth.uid()) = user_id);
    ```

    ## References
    - https://supabase.com/docs/guides/database/postgres/row-level-security#specify-roles-in-your-policies
    """

    code: ClassVar[str] = "RLS006"
    name: ClassVar[str] = "policy-without-role"
    severity: ClassVar[Severity] = Severity.INFO
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset({"CreatePolicyStmt"})
    severity_reason: ClassVar[str] = (
        "Hygiene and performance: anon never matches an auth.uid() comparison, so nothing leaks."
    )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt in ctx.statements_of("CreatePolicyStmt"):
            policy = policy_for_statement(ctx, stmt)
            if policy is None or policy.has_to_clause:
                continue
            exprs = [e for e in (policy.using, policy.with_check) if e is not None]
            if not any(references_identity(e) for e in exprs):
                continue
            yield self.finding(
                ctx.path,
                policy_table_line(ctx, stmt),
                f'Policy "{policy.name}" has no `TO` clause, so it also runs for anon, whose '
                "auth.uid() is null.",
                "Add `to authenticated` so the policy is skipped for signed-out callers.",
            )
