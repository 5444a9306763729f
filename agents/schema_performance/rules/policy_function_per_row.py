"""PERF004: a SELECT policy calls a helper function with the row's values, once per row."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.policy_exprs import (
    function_of,
    has_column_argument,
    is_auth_call,
    per_row_calls,
)
from agents.schema_performance.rules._base import POLICY_STATEMENTS, PerfRule
from agents.schema_performance.statements import changed_policies
from agents.sql.ast import format_qualname, func_name
from agents.sql.parse import first_location


class PolicyFunctionPerRow(PerfRule):
    """Flags a SELECT policy that passes row columns to a user-defined function.

    ## What it does
    Reports a `FOR SELECT` policy whose USING expression calls a function
    defined in the project's migrations with a column of the row as argument
    (`is_member(team_id)`), outside any sub-select.

    ## Why is this bad?
    A function taking a row value cannot be hoisted into an initPlan: it runs
    once for every row the query scans, and a plpgsql or SECURITY DEFINER
    body is never inlined, so each call is a separate lookup in the
    membership table. Listing a channel with 100,000 posts runs 100,000
    membership queries. The set-based shape computes the caller's ids once and
    lets the planner use an index on the filtered column. Write policies
    (INSERT/UPDATE/DELETE) touch few rows and are not reported.

    ## Example
    ```sql
    create policy "Members read posts" on public.channel_posts for select to authenticated
      using (public.is_channel_member(channel_id));
    ```

    ## Use instead
    ```sql
    create policy "Members read posts" on public.channel_posts for select to authenticated
      using (channel_id in (select private.my_channel_ids()));
    ```

    ## References
    - Supabase docs: RLS performance recommendations ("minimize joins")
    - PostgreSQL: Inlining of SQL functions (not for plpgsql or SECURITY DEFINER)
    """

    code: ClassVar[str] = "PERF004"
    name: ClassVar[str] = "policy-function-per-row"
    severity: ClassVar[Severity] = Severity.LOW
    statement_kinds: ClassVar[frozenset[str] | None] = POLICY_STATEMENTS
    severity_reason: ClassVar[str] = (
        "Slow reads on large tables; correct results, and the cost grows with the table."
    )

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        for policy in changed_policies(ctx):
            if policy.command != "select":
                continue
            for call in per_row_calls(policy.using):
                if is_auth_call(call) or not has_column_argument(call):
                    continue
                fn_key = function_of(ctx.after, call)
                if fn_key is None or fn_key[0] in ("auth", "extensions", "pg_catalog", "storage"):
                    continue
                name = func_name(call)
                yield self.finding(
                    ctx.path,
                    ctx.line(first_location({"FuncCall": call}), policy.stmt.line),
                    f'The SELECT policy "{policy.name}" on `{format_qualname(policy.table)}` calls '
                    f"`{name}(…)` with a value of each row, so the function runs once per row "
                    "scanned.",
                    "Compute the caller's allowed keys once and compare set-based: "
                    "`col in (select <ids the caller may see>)`, with an index on `col`.",
                )
                break
