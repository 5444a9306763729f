"""MIG009: a NOT NULL column without a default added to a table that already holds rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules._base import PerfRule
from agents.schema_performance.statements import changed_columns
from agents.sql.ast import format_qualname, type_name

_FILLED_TYPES = frozenset({"serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"})


class RequiredColumnWithoutDefault(PerfRule):
    """Flags `ADD COLUMN … NOT NULL` without a `DEFAULT` on a table that existed before the PR.

    ## What it does
    Reports a column added as NOT NULL with no default (and no identity,
    serial or generated value) to an existing table.

    ## Why is this bad?
    Existing rows would get NULL, so on a populated table the statement fails
    and the deploy stops. Where it does succeed (an empty table in staging),
    every INSERT from code deployed before this migration now fails, because
    that code does not send the new column.

    ## Example
    ```sql
    alter table public.profiles add column plan text not null;
    ```

    ## Use instead
    ```sql
    alter table public.profiles add column plan text not null default 'free';
    ```

    ## References
    - PostgreSQL: ALTER TABLE … ADD COLUMN
    - squawk: adding-required-field
    """

    code: ClassVar[str] = "MIG009"
    name: ClassVar[str] = "required-column-without-default"
    severity: ClassVar[Severity] = Severity.HIGH
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset({"AlterTableStmt.AT_AddColumn"})
    severity_reason: ClassVar[str] = (
        "The migration fails on a populated table, or breaks every insert of deployed code."
    )

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        if not ctx.is_migration:
            return
        for col in changed_columns(ctx):
            if not col.added_to_existing or not (
                col.has("CONSTR_NOTNULL") or col.has("CONSTR_PRIMARY")
            ):
                continue
            if (
                col.has("CONSTR_DEFAULT")
                or col.has("CONSTR_IDENTITY")
                or col.has("CONSTR_GENERATED")
            ):
                continue
            if type_name(col.node.get("typeName")) in _FILLED_TYPES:
                continue
            yield self.finding(
                ctx.path,
                col.line,
                f"`{col.name}` is added to `{format_qualname(col.table)}` as NOT NULL without a "
                "default: the "
                "migration fails on a table with rows, and inserts from already-deployed code "
                "that do not "
                "send the column start failing.",
                "Give it a constant default (`not null default …`, metadata-only), or add it "
                "nullable, "
                "backfill, and set NOT NULL later.",
            )
