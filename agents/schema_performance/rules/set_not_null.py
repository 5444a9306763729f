"""MIG008: ``SET NOT NULL`` on an existing column scans the table under an exclusive lock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules._base import PerfRule
from agents.schema_performance.statements import changed_alters
from agents.sql.ast import column_names, format_qualname, qualname_of_rangevar
from agents.sql.model import QualName
from agents.sql.parse import Statement, walk


def _is_not_null_check(expr: Any, column: str) -> bool:
    """True for a CHECK expression that is exactly ``column IS NOT NULL``."""
    for kind, fields in walk(expr):
        if kind == "NullTest" and fields.get("nulltesttype") == "IS_NOT_NULL":
            return column_names(fields.get("arg")) == {column}
    return False


_CheckEvent = tuple[int, int, QualName, str, Any]
"""(migration position, statement index, table, constraint name, the CHECK's expression
or None for ``VALIDATE CONSTRAINT``)."""


def _check_events(ctx: PerfContext) -> list[_CheckEvent]:
    """Every CHECK added or validated by the PR's migrations, in the order they run
    (read once per project and review, not once per ``SET NOT NULL``)."""

    def compute() -> list[_CheckEvent]:
        by_path = {p.path: p for p in ctx.pr_files}
        out: list[_CheckEvent] = []
        for position, path in enumerate(ctx.analysis.pr_migrations):
            parsed = by_path.get(path)
            for stmt in parsed.statements if parsed is not None else ():
                if stmt.kind != "AlterTableStmt":
                    continue
                table = qualname_of_rangevar(stmt.node.get("relation"))
                for item in stmt.node.get("cmds") or []:
                    cmd = item.get("AlterTableCmd") if isinstance(item, dict) else None
                    if not cmd:
                        continue
                    if cmd.get("subtype") == "AT_AddConstraint":
                        con = (cmd.get("def") or {}).get("Constraint") or {}
                        if con.get("contype") == "CONSTR_CHECK" and con.get("raw_expr") is not None:
                            event = (position, stmt.index, table, str(con.get("conname", "")), con)
                            out.append(event)
                    elif cmd.get("subtype") == "AT_ValidateConstraint":
                        out.append((position, stmt.index, table, str(cmd.get("name", "")), None))
        return out

    return ctx.workspace.cached(f"perf:check-events:{id(ctx.analysis)}", compute)


def _proven_by_pr(ctx: PerfContext, table: QualName, column: str, before: Statement) -> bool:
    """True when the PR, before ``before``, leaves a *valid* ``CHECK (column IS NOT NULL)``
    on ``table``: added without ``NOT VALID``, or added ``NOT VALID`` and then validated
    (in an earlier migration or earlier in this file)."""
    order = ctx.analysis.pr_migrations
    if ctx.path not in order:
        return False
    here = (order.index(ctx.path), before.index)
    added: dict[str, bool] = {}
    """Constraint name -> valid, for NOT NULL checks on the column."""
    for position, index, on, name, con in _check_events(ctx):
        if (position, index) >= here:
            break
        if on != table:
            continue
        if con is not None:
            if _is_not_null_check(con["raw_expr"], column):
                added[name] = not con.get("skip_validation")
        elif name in added:
            added[name] = True
    return any(added.values())


class SetNotNull(PerfRule):
    """Flags `ALTER COLUMN … SET NOT NULL` on a column that existed before the PR.

    ## What it does
    Reports `SET NOT NULL` on an existing column of a populated table, unless
    a valid `CHECK (column IS NOT NULL)` constraint already exists, from an
    earlier migration or added (and, if `NOT VALID`, validated) earlier in the
    PR: PostgreSQL 12+ then skips the scan.

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
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset({"AlterTableStmt.AT_SetNotNull"})
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
            if _proven_by_pr(ctx, alter.table, name, alter.stmt):
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
