"""MIG001: ``CREATE INDEX`` without ``CONCURRENTLY`` on a table that already holds data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules._base import PerfRule
from agents.sql.ast import format_qualname, qualname_of_rangevar
from agents.sql.model import QualName


def is_noop_index(ctx: PerfContext, node: dict[str, Any], table: QualName) -> bool:
    """``CREATE INDEX IF NOT EXISTS`` of an index that already exists builds nothing."""
    name = node.get("idxname")
    return bool(node.get("if_not_exists") and name and (table[0], str(name)) in ctx.before.indexes)


class IndexWithoutConcurrently(PerfRule):
    """Flags `CREATE INDEX` without `CONCURRENTLY` on a table that existed before the PR.

    ## What it does
    Reports a plain `CREATE [UNIQUE] INDEX` whose table was created by an
    earlier migration (so it is assumed to hold rows). Tables created in the
    same PR are empty and are left alone.

    ## Why is this bad?
    A plain index build holds a SHARE lock for the whole build: every INSERT,
    UPDATE and DELETE on the table waits until the index is finished, which on
    a large, busy table means minutes of failed or queued writes during deploy.

    ## Example
    ```sql
    create index orders_customer_id_idx on public.orders (customer_id);
    ```

    ## Use instead
    ```sql
    -- in a migration file of its own
    create index concurrently if not exists orders_customer_id_idx
      on public.orders (customer_id);
    ```

    ## References
    - PostgreSQL: CREATE INDEX, "Building Indexes Concurrently"
    - squawk: require-concurrent-index-creation
    """

    code: ClassVar[str] = "MIG001"
    name: ClassVar[str] = "index-without-concurrently"
    severity: ClassVar[Severity] = Severity.MEDIUM
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset({"IndexStmt"})
    severity_reason: ClassVar[str] = (
        "Blocks all writes to a populated table for the length of the build."
    )

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        if not ctx.is_migration:
            return
        for stmt in ctx.changed_statements():
            if stmt.kind != "IndexStmt" or stmt.node.get("concurrent"):
                continue
            table = qualname_of_rangevar(stmt.node.get("relation"))
            if not ctx.table_existed(table) or is_noop_index(ctx, stmt.node, table):
                continue
            kind = "unique index" if stmt.node.get("unique") else "index"
            yield self.finding(
                ctx.path,
                stmt.line,
                f"Building this {kind} on `{format_qualname(table)}`, which already holds data, "
                "without "
                "CONCURRENTLY blocks every insert, update and delete on it until the build "
                "finishes.",
                "Use `create index concurrently if not exists …` and put it alone in its own "
                "migration file "
                "(it cannot run inside a transaction).",
                end_line=stmt.end_line,
            )
