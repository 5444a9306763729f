"""MIG008: ``SET NOT NULL`` on an existing column scans the table under an exclusive lock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules._base import PerfRule
from agents.schema_performance.statements import changed_alters
from agents.sql.ast import column_names, format_qualname
from agents.sql.parse import walk


def _is_not_null_check(expr: Any, column: str) -> bool:
    """True for a CHECK expression that is exactly ``column IS NOT NULL``."""
    for kind, fields in walk(expr):
        if kind == "NullTest" and fields.get("nulltesttype") == "IS_NOT_NULL":
            return column_names(fields.get("arg")) == {column}
    return False


class SetNotNull(PerfRule):
    """Flags `ALTER COLUMN … SET NOT NULL` on a column that existed before the PR.

    ## What it does
    Reports `SET NOT NULL` on an existing column of a populated table, unless
    a `CHECK (column IS NOT NULL)` constraint already exists (PostgreSQL 12+
    then skips the scan).

    ## Why is this bad?
    PostgreSQL scans the whole table to prove there is no NULL while holding
    an ACCESS EXCLUSIVE lock: reads and writes wait for the scan. If a NULL
    remains, the migration fails at deploy.

    ## Example
    ```sql
    alter table public.orders alter column customer_id set not null;
    ```

    ## Use instead
    ```sql
    alter table public.orders add constraint orders_customer_id_not_null
      check (customer_id is not null) not valid;
    -- next migration file
    alter table public.orders validate constraint orders_customer_id_not_null;
    alter table public.orders alter column customer_id set not null;  -- no scan now
    ```

    ## References
    - PostgreSQL: ALTER TABLE … SET NOT NULL (uses a valid CHECK constraint to skip the scan)
    - squawk: adding-not-nullable-field
    """

    code: ClassVar[str] = "MIG008"
    name: ClassVar[str] = "set-not-null-on-existing-column"
    severity: ClassVar[Severity] = Severity.MEDIUM
    severity_reason: ClassVar[str] = (
        "A full scan under ACCESS EXCLUSIVE stops reads and writes of a populated table."
    )

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        if not ctx.is_migration:
            return
        nth: dict[int, int] = {}
        for alter in changed_alters(ctx):
            if alter.subtype != "AT_SetNotNull":
                continue
            occurrence = nth.get(alter.stmt.index, 0)
            nth[alter.stmt.index] = occurrence + 1
            table = ctx.before.tables.get(alter.table)
            name = str(alter.cmd.get("name", ""))
            column = table.columns.get(name) if table else None
            if table is None or column is None or not column.nullable:
                continue
            if any(_is_not_null_check(c, name) for c in table.check_constraints):
                continue
            yield self.finding(
                ctx.path,
                ctx.clause_line(alter.stmt, r"set\s+not\s+null", occurrence),
                f"`SET NOT NULL` on `{format_qualname(alter.table)}.{name}` scans the whole "
                "table under an "
                "ACCESS EXCLUSIVE lock (reads and writes wait), and fails the deploy if any row "
                "is NULL.",
                "Add `check ("
                + name
                + " is not null) not valid`, validate it in a later migration, then "
                "`set not null` (PostgreSQL skips the scan when a valid check proves it).",
            )
