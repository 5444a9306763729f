"""MIG013: ``TRUNCATE … CASCADE`` empties every table that references the truncated one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules._base import PerfRule
from agents.sql.ast import format_qualname, qualname_of_rangevar


class TruncateCascade(PerfRule):
    """Flags `TRUNCATE … CASCADE` in a migration.

    ## What it does
    Reports `TRUNCATE` with `CASCADE`, naming the tables that reference the
    truncated ones through foreign keys when the schema shows them.

    ## Why is this bad?
    `CASCADE` silently truncates every table with a foreign key to the named
    ones, recursively, under ACCESS EXCLUSIVE locks: a migration meant to
    clear a lookup table can empty production user data.

    ## Example
    ```sql
    truncate table public.plans cascade;
    ```

    ## Use instead
    ```sql
    delete from public.plans where slug = 'legacy';  -- or truncate only the tables you name
    ```

    ## References
    - PostgreSQL: TRUNCATE (CASCADE)
    - squawk: ban-truncate-cascade
    """

    code: ClassVar[str] = "MIG013"
    name: ClassVar[str] = "truncate-cascade"
    severity: ClassVar[Severity] = Severity.MEDIUM
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset({"TruncateStmt"})
    severity_reason: ClassVar[str] = "Can empty unrelated tables holding production data."

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        if not ctx.is_migration:  # seed.sql empties local development data on purpose
            return
        for stmt in ctx.changed_statements():
            if stmt.kind != "TruncateStmt" or stmt.node.get("behavior") != "DROP_CASCADE":
                continue
            targets = {qualname_of_rangevar(r) for r in stmt.node.get("relations") or []}
            dependents = sorted(
                {
                    format_qualname(t.qualname)
                    for t in ctx.before.tables.values()
                    for fk in t.foreign_keys
                    if fk.ref_table in targets and t.qualname not in targets
                }
            )
            also = (
                f" It also empties {', '.join(f'`{d}`' for d in dependents)}." if dependents else ""
            )
            yield self.finding(
                ctx.path,
                stmt.line,
                "`TRUNCATE … CASCADE` empties every table that references the truncated ones, "
                "recursively." + also,
                "Name every table you mean to empty (without CASCADE), or delete the specific "
                "rows.",
            )
