"""PERF012: a money column stored as a binary floating-point number."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules._base import COLUMN_STATEMENTS, PerfRule
from agents.schema_performance.rules.column_types import column_type, is_money_name, new_columns
from agents.sql.ast import format_qualname

FLOAT_TYPES = frozenset({"float4", "float8", "real", "double precision", "float", "money"})


class FloatForMoney(PerfRule):
    """Flags new money columns (`price`, `amount`, `budget`…) typed as a float or `money`.

    ## What it does
    Reports a column whose name reads as an amount of money and whose type is
    a binary float (`real`, `double precision`, `float`) or the `money`
    type. Floats elsewhere (positions, scores, coordinates) are not reported.

    ## Why is this bad?
    Binary floats cannot represent most decimal fractions: `0.1 + 0.2` is not
    `0.3`, sums drift, and totals stop matching invoices. The `money` type
    depends on the `lc_monetary` setting and rounds on conversion.

    ## Example
    ```sql
    create table public.boards (id uuid primary key, budget real);
    ```

    ## Use instead
    ```sql
    create table public.boards (id uuid primary key, budget_cents bigint);  -- or numeric(12, 2)
    ```

    ## References
    - PostgreSQL docs: Floating-Point Types ("inexact")
    - PostgreSQL wiki: Don't Do This ("Don't use money")
    """

    code: ClassVar[str] = "PERF012"
    name: ClassVar[str] = "float-for-money"
    severity: ClassVar[Severity] = Severity.LOW
    statement_kinds: ClassVar[frozenset[str] | None] = COLUMN_STATEMENTS
    severity_reason: ClassVar[str] = "Rounding errors in amounts, found late, but no outage."

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        for col in new_columns(ctx):
            tname, _, _ = column_type(col)
            if tname not in FLOAT_TYPES or not is_money_name(col.name):
                continue
            yield self.finding(
                ctx.path,
                col.line,
                f"`{format_qualname(col.table)}.{col.name}` holds money as `{tname}`: binary "
                "floating point "
                "cannot represent most decimal amounts, so sums and comparisons drift.",
                "Use `numeric(p, s)` or an integer amount of the smallest unit (`bigint` cents).",
            )
