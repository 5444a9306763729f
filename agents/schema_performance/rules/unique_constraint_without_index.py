"""MIG005: a UNIQUE or PRIMARY KEY added to a populated table without a prebuilt index."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules._base import PerfRule
from agents.schema_performance.statements import changed_alters, changed_columns
from agents.sql.ast import format_qualname


class UniqueConstraintWithoutIndex(PerfRule):
    """Flags `ADD CONSTRAINT … UNIQUE|PRIMARY KEY` on an existing table without `USING INDEX`.

    ## What it does
    Reports a UNIQUE or PRIMARY KEY constraint added with `ALTER TABLE` to a
    table that existed before the PR (as a table constraint, or inline on an
    added column), unless it adopts an index built beforehand
    (`… unique using index <name>`).

    ## Why is this bad?
    The constraint builds its index inline, under an ACCESS EXCLUSIVE lock:
    reads and writes of the table stop for the whole build.

    ## Example
    ```sql
    alter table public.orders add constraint orders_public_id_key unique (public_id);
    ```

    ## Use instead
    ```sql
    create unique index concurrently orders_public_id_key on public.orders (public_id);
    -- next migration file
    alter table public.orders
      add constraint orders_public_id_key unique using index orders_public_id_key;
    ```

    ## References
    - PostgreSQL: ALTER TABLE … ADD table_constraint_using_index
    - squawk: disallowed-unique-constraint, adding-serial-primary-key-field
    """

    code: ClassVar[str] = "MIG005"
    name: ClassVar[str] = "unique-constraint-without-index"
    severity: ClassVar[Severity] = Severity.MEDIUM
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"AlterTableStmt.AT_AddColumn", "AlterTableStmt.AT_AddConstraint"}
    )
    severity_reason: ClassVar[str] = (
        "Blocks reads and writes of a populated table while the index builds."
    )

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        if not ctx.is_migration:
            return
        for col in changed_columns(ctx):
            if not col.added_to_existing:
                continue
            for contype, kind in (("CONSTR_UNIQUE", "UNIQUE"), ("CONSTR_PRIMARY", "PRIMARY KEY")):
                if col.has(contype):
                    yield self.finding(
                        ctx.path,
                        col.line,
                        f"Adding `{col.name}` as {kind} to `{format_qualname(col.table)}` builds "
                        "its index over every existing row under an ACCESS EXCLUSIVE lock: reads "
                        "and writes stop until it is built.",
                        "Add the column plain, build the index with `create unique index "
                        "concurrently …` (own migration file), then attach it with "
                        f"`add constraint … {kind.lower()} using index …`.",
                    )
        for alter in changed_alters(ctx):
            if alter.subtype != "AT_AddConstraint" or not ctx.table_existed(alter.table):
                continue
            con = (alter.cmd.get("def") or {}).get("Constraint") or {}
            if con.get("contype") not in ("CONSTR_UNIQUE", "CONSTR_PRIMARY") or con.get(
                "indexname"
            ):
                continue
            kind = "UNIQUE" if con.get("contype") == "CONSTR_UNIQUE" else "PRIMARY KEY"
            yield self.finding(
                ctx.path,
                ctx.line(con.get("location"), alter.stmt.line),
                f"Adding a {kind} constraint to `{format_qualname(alter.table)}` builds its "
                "index under an "
                "ACCESS EXCLUSIVE lock: reads and writes stop until it is built.",
                "Build the index first with `create unique index concurrently …` (own migration "
                "file), then "
                "`add constraint … " + kind.lower() + " using index …`.",
            )
