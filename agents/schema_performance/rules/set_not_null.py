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


def _proven_by_pr(ctx: PerfContext, table: QualName, column: str, before: Statement) -> bool:
    """True when the PR, before ``before``, leaves a *valid* ``CHECK (column IS NOT NULL)``
    on ``table``: added without ``NOT VALID``, or added ``NOT VALID`` and then validated
    (in an earlier migration or earlier in this file)."""
    order = ctx.analysis.pr_migrations
    if ctx.path not in order:
        return False
    by_path = {p.path: p for p in ctx.pr_files}
    added: dict[str, bool] = {}
    """Constraint name -> valid, for NOT NULL checks on the column."""
    for path in order[: order.index(ctx.path) + 1]:
        for stmt in by_path[path].statements:
            if path == ctx.path and stmt.index >= before.index:
                break
            if stmt.kind != "AlterTableStmt":
                continue
            if qualname_of_rangevar(stmt.node.get("relation")) != table:
                continue
            for item in stmt.node.get("cmds") or []:
                cmd = item.get("AlterTableCmd") if isinstance(item, dict) else None
                if not cmd:
                    continue
                if cmd.get("subtype") == "AT_AddConstraint":
                    con = (cmd.get("def") or {}).get("Constraint") or {}
                    raw = con.get("raw_expr")
                    if (
                        con.get("contype") == "CONSTR_CHECK"
                        and raw is not None
                        and _is_not_null_check(raw, column)
                    ):
                        added[str(con.get("conname", ""))] = not con.get("skip_validation")
                elif cmd.get("subtype") == "AT_ValidateConstraint":
                    name = str(cmd.get("name", ""))
                    if name in added:
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
