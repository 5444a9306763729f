"""MIG016: an UPDATE or DELETE of every row of a populated table inside a migration."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules._base import PerfRule
from agents.sql.ast import format_qualname, qualname_of_rangevar


class FullTableBackfill(PerfRule):
    """Flags `UPDATE` / `DELETE` without `WHERE` on an existing table, in a migration.

    ## What it does
    Reports a data change in a migration that touches every row of a table
    created by an earlier migration (an `UPDATE … SET` or `DELETE FROM`
    with no `WHERE` clause), typically a backfill after adding a column.

    ## Why is this bad?
    The whole table is rewritten in the migration's single transaction:
    every row stays locked until it commits, so concurrent writes to any
    row wait (or time out) for the duration, the WAL and table bloat grow
    by the table's size, and a failure rolls everything back at deploy.

    ## Example
    ```sql
    alter table public.orders add column channel text;
    update public.orders set channel = 'web';
    ```

    ## Use instead
    ```sql
    alter table public.orders add column channel text default 'web';  -- metadata-only
    -- or backfill in batches outside the migration (a script or a cron job):
    -- update public.orders set channel = 'web' where id between $1 and $2;
    ```

    ## References
    - PostgreSQL: Concurrency Control (row-level locks held until commit)
    """

    code: ClassVar[str] = "MIG016"
    name: ClassVar[str] = "full-table-backfill"
    severity: ClassVar[Severity] = Severity.MEDIUM
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset({"UpdateStmt", "DeleteStmt"})
    severity_reason: ClassVar[str] = (
        "Locks every row of a populated table until the deploy's transaction commits."
    )

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        if not ctx.is_migration:
            return
        for stmt in ctx.changed_statements():
            if stmt.kind not in ("UpdateStmt", "DeleteStmt") or stmt.node.get("whereClause"):
                continue
            table = qualname_of_rangevar(stmt.node.get("relation"))
            if not ctx.table_existed(table) or table[0] in ("auth", "storage"):
                continue
            verb = "UPDATE" if stmt.kind == "UpdateStmt" else "DELETE"
            yield self.finding(
                ctx.path,
                stmt.line,
                f"This {verb} without WHERE touches every row of `{format_qualname(table)}` inside "
                "the migration's transaction: all rows stay locked (concurrent writes wait) until "
                "the deploy commits, and the table's size is written again to WAL.",
                "Use a column default for new rows and backfill existing ones in batches outside "
                "the migration, or confirm the table is small.",
            )
