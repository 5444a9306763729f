"""MIG002: ``DROP INDEX`` / ``REINDEX`` without ``CONCURRENTLY`` on an existing index."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules._base import PerfRule
from agents.schema_performance.statements import changed_alters
from agents.sql.ast import qualname_of_names, qualname_of_rangevar, strings
from agents.sql.model import QualName


class DropOrReindexWithoutConcurrently(PerfRule):
    """Flags `DROP INDEX` / `REINDEX` / `DETACH PARTITION` without `CONCURRENTLY`.

    ## What it does
    Reports `DROP INDEX` of an index created by an earlier migration,
    `REINDEX INDEX|TABLE` of an existing index or table,
    `ALTER TABLE … DETACH PARTITION` of an existing table, and
    `REFRESH MATERIALIZED VIEW` of an existing materialized view, when
    `CONCURRENTLY` is missing.

    ## Why is this bad?
    A plain `DROP INDEX` takes an ACCESS EXCLUSIVE lock on the table (every
    read and write waits, and it waits itself behind any long query); a plain
    `REINDEX` blocks writes for the whole rebuild.

    ## Example
    ```sql
    drop index public.orders_status_idx;
    ```

    ## Use instead
    ```sql
    drop index concurrently if exists public.orders_status_idx;
    ```

    ## References
    - PostgreSQL: DROP INDEX, REINDEX
    - squawk: require-concurrent-index-deletion, require-concurrent-reindex,
      require-concurrent-partition-detach
    """

    code: ClassVar[str] = "MIG002"
    name: ClassVar[str] = "drop-or-reindex-without-concurrently"
    severity: ClassVar[Severity] = Severity.MEDIUM
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"DropStmt", "ReindexStmt", "RefreshMatViewStmt", "AlterTableStmt.AT_DetachPartition"}
    )
    severity_reason: ClassVar[str] = (
        "Locks a populated table against reads or writes while it runs."
    )

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        if not ctx.is_migration:
            return
        dropped = _tables_dropped_by_pr(ctx)
        for stmt in ctx.changed_statements():
            if stmt.kind == "DropStmt" and stmt.node.get("removeType") == "OBJECT_INDEX":
                if stmt.node.get("concurrent"):
                    continue
                for obj in stmt.node.get("objects") or []:
                    name = qualname_of_names(strings((obj.get("List") or {}).get("items")))
                    index = ctx.before.indexes.get(name)
                    if index is None or not ctx.table_existed(index.table):
                        continue
                    if index.table in dropped:
                        continue  # the PR drops the table too: that lock is the one that counts
                    yield self.finding(
                        ctx.path,
                        stmt.line,
                        f"`DROP INDEX {name[1]}` without CONCURRENTLY takes an ACCESS EXCLUSIVE "
                        "lock on "
                        f"`{index.table[0]}.{index.table[1]}`: reads and writes wait until it is "
                        "done.",
                        "Use `drop index concurrently if exists …` in a migration file of its own.",
                    )
            elif stmt.kind == "ReindexStmt":
                params = {
                    str((p.get("DefElem") or {}).get("defname", ""))
                    for p in stmt.node.get("params") or []
                }
                if "concurrently" in params:
                    continue
                target = qualname_of_rangevar(stmt.node.get("relation"))
                kind = str(stmt.node.get("kind", ""))
                existed = (kind == "REINDEX_OBJECT_INDEX" and target in ctx.before.indexes) or (
                    kind == "REINDEX_OBJECT_TABLE" and ctx.table_existed(target)
                )
                if existed:
                    yield self.finding(
                        ctx.path,
                        stmt.line,
                        f"`REINDEX` of `{target[1]}` without CONCURRENTLY blocks writes to the "
                        "table "
                        "for the whole rebuild.",
                        "Use `reindex … concurrently` in a migration file of its own.",
                    )
        for stmt in ctx.changed_statements():
            if stmt.kind != "RefreshMatViewStmt" or stmt.node.get("concurrent"):
                continue
            view = qualname_of_rangevar(stmt.node.get("relation"))
            existing = ctx.before.views.get(view)
            if existing is None or not existing.materialized:
                continue
            yield self.finding(
                ctx.path,
                stmt.line,
                f"`REFRESH MATERIALIZED VIEW {view[1]}` without CONCURRENTLY takes an ACCESS "
                "EXCLUSIVE lock: every read of the view waits until the refresh finishes.",
                "Use `refresh materialized view concurrently …` (it needs a unique index on the "
                "view) in a migration file of its own.",
            )
        for alter in changed_alters(ctx):
            if alter.subtype != "AT_DetachPartition" or not ctx.table_existed(alter.table):
                continue
            part = (alter.cmd.get("def") or {}).get("PartitionCmd") or {}
            if part.get("concurrent"):
                continue
            yield self.finding(
                ctx.path,
                alter.stmt.line,
                f"`DETACH PARTITION` without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on "
                f"`{alter.table[0]}.{alter.table[1]}`: reads and writes wait until it is done.",
                "Use `alter table … detach partition … concurrently` in a migration file of its "
                "own.",
            )


def _tables_dropped_by_pr(ctx: PerfContext) -> set[QualName]:
    """Tables a ``DROP TABLE`` of the PR's SQL removes (an index dropped on its way out
    locks nothing that the table's own drop does not).  Read once per project and
    review: every file's context asks about the same PR."""

    def compute() -> set[QualName]:
        out: set[QualName] = set()
        for parsed in ctx.pr_files:
            for stmt in parsed.statements:
                if stmt.kind != "DropStmt" or stmt.node.get("removeType") != "OBJECT_TABLE":
                    continue
                for obj in stmt.node.get("objects") or []:
                    out.add(qualname_of_names(strings((obj.get("List") or {}).get("items"))))
        return out

    return ctx.workspace.cached(f"perf:dropped-tables:{id(ctx.analysis)}", compute)
