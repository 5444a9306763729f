"""PERF008: a table created without a primary key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules._base import PerfRule
from agents.sql.ast import format_qualname, qualname_of_rangevar


class TableWithoutPrimaryKey(PerfRule):
    """Flags `CREATE TABLE` of a regular table that has no primary key after the PR.

    ## What it does
    Reports a table the PR creates when, after all of the PR's migrations,
    it still has no primary key. Partitions, inherited tables and temporary
    tables are skipped.

    ## Why is this bad?
    Without a primary key, logical replication (Supabase Realtime, read
    replicas) cannot publish UPDATEs and DELETEs of the table, PostgREST
    cannot address single rows reliably, and duplicate rows creep in.
    Splinter reports it as a performance lint on every project.

    ## Example
    ```sql
    create table public.page_views (site_id uuid, path text, viewed_at timestamptz);
    ```

    ## Use instead
    ```sql
    create table public.page_views (
      id bigint generated always as identity primary key,
      site_id uuid, path text, viewed_at timestamptz
    );
    ```

    ## References
    - Supabase splinter: no_primary_key (0004)
    - PostgreSQL: REPLICA IDENTITY
    """

    code: ClassVar[str] = "PERF008"
    name: ClassVar[str] = "table-without-primary-key"
    severity: ClassVar[Severity] = Severity.MEDIUM
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset({"CreateStmt"})
    severity_reason: ClassVar[str] = (
        "Breaks replication of updates/deletes (Realtime) and row addressing."
    )

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        for stmt in ctx.changed_statements():
            if stmt.kind != "CreateStmt":
                continue
            node = stmt.node
            rv = node.get("relation") or {}
            if rv.get("relpersistence") == "t" or node.get("partbound") or node.get("inhRelations"):
                continue
            if any(
                "TableLikeClause" in e for e in node.get("tableElts") or [] if isinstance(e, dict)
            ):
                continue
            table = qualname_of_rangevar(rv)
            t = ctx.after.tables.get(table)
            if t is None or t.primary_key or t.kind != "table":
                continue
            yield self.finding(
                ctx.path,
                stmt.line,
                f"`{format_qualname(table)}` has no primary key: Realtime and replicas cannot "
                "replicate its "
                "updates and deletes, and rows cannot be addressed one by one.",
                "Add `id bigint generated always as identity primary key` (or a natural key such "
                "as "
                "`primary key (a, b)` for a join table).",
            )
