"""PERF001: ``auth.uid()`` (and friends) in a policy, evaluated once per row."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.policy_exprs import (
    correlated_with,
    function_of,
    has_column_argument,
    is_auth_call,
    per_row_calls,
)
from agents.schema_performance.rules._base import POLICY_STATEMENTS, PerfRule
from agents.schema_performance.statements import PolicyFacts, changed_policies
from agents.sql.ast import format_qualname, func_name, sublinks
from agents.sql.parse import first_location

AstNode = dict[str, object]


class AuthFunctionPerRow(PerfRule):
    """Flags `auth.uid()` & co in a policy, not wrapped in `(select …)`, so evaluated per row.

    ## What it does
    Reports a policy (other than a pure INSERT policy) whose USING or WITH
    CHECK expression calls a Supabase auth helper, `current_setting()`, or a
    project function whose arguments hold no column of the row (`is_admin()`,
    `authorize('messages.delete', auth.uid())`) directly, outside a
    sub-select; or calls an
    auth helper bare inside an uncorrelated sub-query (`team_id in (select …
    where user_id = auth.uid())`), where it runs once per row of that
    sub-query. Correlated sub-queries are PERF005's.

    ## Why is this bad?
    A bare call is evaluated again for every row the query scans: on a table
    of a million rows that is a million JWT parses. Wrapped as
    `(select auth.uid())` the planner evaluates it once per statement (an
    initPlan) and reuses the value; Supabase measured 179 ms → 9 ms on their
    benchmark. INSERT policies check only the inserted rows, so they are not
    reported.

    ## Example
    ```sql
    create policy "Own rows" on public.messages for select to authenticated
      using (auth.uid() = user_id);
    ```

    ## Use instead
    ```sql
    create policy "Own rows" on public.messages for select to authenticated
      using ((select auth.uid()) = user_id);
    ```

    ## References
    - Supabase splinter: auth_rls_initplan (0003)
    - Supabase docs: RLS performance recommendations ("wrap functions with select")
    """

    code: ClassVar[str] = "PERF001"
    name: ClassVar[str] = "auth-function-per-row"
    severity: ClassVar[Severity] = Severity.MEDIUM
    statement_kinds: ClassVar[frozenset[str] | None] = POLICY_STATEMENTS
    severity_reason: ClassVar[str] = (
        "Turns every read of a large table into one function call per row (seconds, not ms)."
    )

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        for policy in changed_policies(ctx):
            if policy.command == "insert":
                continue
            clauses: list[tuple[str, object]] = [("USING", policy.using)]
            if policy.command in ("update", "all"):
                clauses.append(("WITH CHECK", policy.with_check))
            for clause, expr in clauses:
                call, inside = self.first_per_row_call(ctx, expr), False
                if call is None:
                    call, inside = self._bare_in_subquery(ctx, policy, expr), True
                if call is None:
                    continue
                name = func_name(call)
                loc = first_location({"FuncCall": call})
                shown = f"{name}({'…' if call.get('args') else ''})"
                yield self.finding(
                    ctx.path,
                    ctx.line(loc, policy.stmt.line),
                    self._message(policy, clause, name, inside),
                    f"Wrap the call in a sub-select, `(select {shown})`: PostgreSQL then "
                    "evaluates it once per statement instead of once per row.",
                )
                break  # one finding per policy: the fix is the same for both clauses

    @staticmethod
    def _bare_in_subquery(ctx: PerfContext, policy: PolicyFacts, expr: object) -> AstNode | None:
        """A bare auth call inside an uncorrelated sub-query (correlated ones are PERF005's)."""
        for sub in sublinks(expr):
            # `(select auth.uid())` is itself a sub-select (the fix); only IN/EXISTS
            # sub-queries filter rows with the call
            if sub.get("subLinkType") not in ("ANY_SUBLINK", "EXISTS_SUBLINK"):
                continue
            if correlated_with(ctx, sub, policy.table) is not None:
                continue
            select = (sub.get("subselect") or {}).get("SelectStmt") or {}
            for call in per_row_calls(select.get("whereClause")):
                if is_auth_call(call):
                    return call
        return None

    @staticmethod
    def first_per_row_call(ctx: PerfContext, expr: object) -> AstNode | None:
        """The first call evaluated per row in ``expr`` that one sub-select would evaluate once:
        an auth helper, or a project function whose arguments hold no column of the row."""
        for call in per_row_calls(expr):
            if is_auth_call(call):
                return call
            fn_key = function_of(ctx.after, call)
            if fn_key is None or has_column_argument(call):
                continue
            fn = ctx.after.functions[fn_key]
            if not (fn.returns or "").startswith("setof"):
                return call
        return None

    @staticmethod
    def _message(policy: PolicyFacts, clause: str, name: str, inside: bool) -> str:
        where = "inside its sub-query" if inside else "directly"
        rows = "the sub-query" if inside else "the query"
        return (
            f'The {clause} expression of policy "{policy.name}" on '
            f"`{format_qualname(policy.table)}` calls `{name}()` {where}, so it is evaluated "
            f"again for every row {rows} scans."
        )
