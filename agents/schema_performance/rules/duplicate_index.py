"""PERF007: an index identical to another index on the same table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules._base import PerfRule
from agents.schema_performance.rules.index_without_concurrently import is_noop_index
from agents.sql.ast import format_qualname, qualname_of_rangevar
from agents.sql.model import Index


class DuplicateIndex(PerfRule):
    """Flags `CREATE INDEX` whose key repeats another index, primary key or UNIQUE constraint.

    ## What it does
    Reports an index the PR creates when the table already has (after the
    PR) another non-partial index of the same method on exactly the same
    columns in the same order, including the index behind a primary key or
    UNIQUE constraint.

    ## Why is this bad?
    Every insert and update maintains both indexes, the table's write cost
    and storage grow, and the planner gains nothing.

    ## Example
    ```sql
    create table public.tags (id bigint primary key, slug text unique);
    create index tags_slug_idx on public.tags (slug);
    ```

    ## Use instead
    ```sql
    -- the unique constraint's index already serves lookups by slug
    create table public.tags (id bigint primary key, slug text unique);
    ```

    ## References
    - Supabase splinter: duplicate_index (0009)
    """

    code: ClassVar[str] = "PERF007"
    name: ClassVar[str] = "duplicate-index"
    severity: ClassVar[Severity] = Severity.LOW
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset({"IndexStmt"})
    severity_reason: ClassVar[str] = "Wasted write work and storage; no wrong results."

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        for stmt in ctx.changed_statements():
            if stmt.kind != "IndexStmt" or stmt.node.get("whereClause") is not None:
                continue
            name = stmt.node.get("idxname")
            table = qualname_of_rangevar(stmt.node.get("relation"))
            if is_noop_index(ctx, stmt.node, table):
                continue
            mine = ctx.after.indexes.get((table[0], str(name))) if name else None
            if mine is None or None in mine.columns:
                continue
            for other in ctx.after_indexes().get(table, []):
                if other is mine or other.partial or other.method != mine.method:
                    continue
                if other.columns == mine.columns:
                    if _comes_later(ctx, other, stmt.line):
                        continue  # the later of two twins is the one reported
                    what = (
                        f"the {other.constraint} key"
                        if other.constraint
                        else f"index `{other.name}`"
                    )
                    yield self.finding(
                        ctx.path,
                        stmt.line,
                        f"Index `{name}` on `{format_qualname(table)}` "
                        f"({', '.join(c or '' for c in mine.columns)}) "
                        f"duplicates {what}: writes maintain both for no gain.",
                        f"Drop `{name}`; {what} already serves the same lookups.",
                    )
                    break


def _comes_later(ctx: PerfContext, other: Index, line: int) -> bool:
    """True when ``other`` is created after the statement at ``line`` of this file."""
    if other.origin is None:
        return False
    if other.origin.path == ctx.path:
        return other.origin.line > line
    order = ctx.analysis.replayed
    if other.origin.path in order and ctx.path in order:
        return order.index(other.origin.path) > order.index(ctx.path)
    return False
