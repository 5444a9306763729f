"""RLS007: an INSERT policy without WITH CHECK."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.facts import (
    policy_for_statement,
    policy_reaches_api,
    policy_table_line,
    user_owned,
)
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import format_qualname
from agents.sql.context import SqlRuleContext


class InsertPolicyWithoutCheck(RlsRule):
    """INSERT policy without ``WITH CHECK``.

    ## What it does
    Flags a permissive ``FOR INSERT`` policy for API roles that has no ``WITH
    CHECK`` expression, on a table holding user-owned data.  (An UPDATE policy
    without WITH CHECK re-applies its USING to the new row, so that alone is
    not flagged.)

    ## Why is this bad?
    An INSERT policy without WITH CHECK states no rule for new rows.
    PostgreSQL then lets no row through that policy (checked on PostgreSQL 15:
    "new row violates row-level security policy"), so the feature is broken,
    and the common fix, ``with check (true)``, lets users create rows owned
    by someone else (``user_id`` of another user) or in another tenant.

    ## Example
    ```sql
    create policy "add notes" on public.notes for insert to authenticated;
    ```

    ## Use instead
    ```sql
    create policy "add notes" on public.notes for insert to authenticated
      with check ((select auth.uid()) = user_id);
    ```

    ## References
    - https://www.postgresql.org/docs/current/sql-createpolicy.html
    """

    code: ClassVar[str] = "RLS007"
    name: ClassVar[str] = "insert-policy-without-check"
    severity: ClassVar[Severity] = Severity.HIGH
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset({"CreatePolicyStmt"})
    severity_reason: ClassVar[str] = "Users can write rows on behalf of other users or tenants."

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt in ctx.statements_of("CreatePolicyStmt"):
            policy = policy_for_statement(ctx, stmt)
            if policy is None or policy.command != "insert" or policy.with_check is not None:
                continue
            if not policy.permissive or not policy_reaches_api(policy):
                continue
            table = ctx.after.tables.get(policy.table)
            if table is None or not user_owned(table):
                continue
            yield self.finding(
                ctx.path,
                policy_table_line(ctx, stmt),
                f'INSERT policy "{policy.name}" on `{format_qualname(policy.table)}` has no WITH '
                "CHECK, so it says nothing about whose rows may be added: PostgreSQL admits no "
                "row through it (inserts fail), and the usual quick fix, `with check (true)`, "
                "lets users insert rows owned by anyone.",
                "Add `with check ((select auth.uid()) = <owner column>)` (or the tenant check).",
            )
