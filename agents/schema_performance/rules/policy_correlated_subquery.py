"""PERF005: a SELECT policy runs a sub-query correlated with each row of its table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.policy_exprs import (
    correlated_with,
    is_auth_call,
    outer_sublinks,
    per_row_calls,
)
from agents.schema_performance.rules._base import POLICY_STATEMENTS, PerfRule
from agents.schema_performance.rules.auth_function_per_row import AuthFunctionPerRow
from agents.schema_performance.statements import PolicyFacts, changed_policies
from agents.sql.ast import format_qualname, references_caller
from agents.sql.parse import first_location

AstNode = dict[str, Any]


class PolicyCorrelatedSubquery(PerfRule):
    """Flags a SELECT policy whose sub-query on another table is correlated with each row.

    ## What it does
    Reports a `FOR SELECT` policy whose USING holds an `EXISTS (…)` or
    `… IN (…)` sub-query that reads another table, filters it on the caller
    (`auth.uid()`, `auth.jwt()`), and refers back to a column of the policy's
    own row (`m.team_id = projects.team_id`). Severity is medium when the
    sub-query also calls `auth.uid()` bare (then it is re-evaluated for every
    row of both tables), low otherwise.

    ## Why is this bad?
    A correlated sub-query runs once per row the outer query scans: listing
    10,000 projects runs 10,000 membership look-ups. The set-based shape
    computes the caller's keys once (an initPlan) and lets the planner use an
    index on the policy's column; Supabase measured 9,000 ms → 20 ms for this
    rewrite.

    ## Example
    ```sql
    create policy "Members read projects" on public.projects for select to authenticated
      using (exists (
        select 1 from public.team_members m
        where m.team_id = projects.team_id and m.user_id = (select auth.uid())
      ));
    ```

    ## Use instead
    ```sql
    create policy "Members read projects" on public.projects for select to authenticated
      using (team_id in (
        select m.team_id from public.team_members m where m.user_id = (select auth.uid())
      ));
    ```

    ## References
    - Supabase docs: RLS performance recommendations ("minimize joins")
    - Supabase splinter: auth_rls_initplan (0003)
    """

    code: ClassVar[str] = "PERF005"
    name: ClassVar[str] = "policy-correlated-subquery"
    severity: ClassVar[Severity] = Severity.LOW
    statement_kinds: ClassVar[frozenset[str] | None] = POLICY_STATEMENTS
    severity_reason: ClassVar[str] = (
        "One look-up per row scanned; medium when the sub-query also calls auth.uid() bare."
    )

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        for policy in changed_policies(ctx):
            if policy.command != "select" or policy.using is None:
                continue
            # one finding per policy: a bare call outside the sub-query is PERF001's
            if AuthFunctionPerRow.first_per_row_call(ctx, policy.using) is not None:
                continue
            found = self._first(ctx, policy)
            if found is not None:
                yield found

    def _first(self, ctx: PerfContext, policy: PolicyFacts) -> Finding | None:
        for sublink in outer_sublinks(policy.using):
            if sublink.get("subLinkType") not in ("EXISTS_SUBLINK", "ANY_SUBLINK"):
                continue
            inner = correlated_with(ctx, sublink, policy.table)
            if inner is None or not references_caller(sublink.get("subselect")):
                continue
            bare = [c for c in per_row_calls(sublink.get("subselect")) if is_auth_call(c)]
            line = ctx.line(first_location({"SubLink": sublink}), policy.stmt.line)
            extra = (
                ", and calls the auth helper bare inside it (re-evaluated for every pair of rows)"
                if bare
                else ""
            )
            return self.finding(
                ctx.path,
                line,
                f'The SELECT policy "{policy.name}" on `{format_qualname(policy.table)}` runs a '
                f"sub-query on `{format_qualname(inner)}` correlated with each row{extra}: one "
                "look-up per row scanned.",
                "Use the set-based shape: `<column> in (select <key> from <table> where user_id = "
                "(select auth.uid()))`, so the caller's keys are computed once.",
                severity=Severity.MEDIUM if bare else None,
            )
        return None
