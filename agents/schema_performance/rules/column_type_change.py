"""MIG007: changing a populated column's type in a way that rewrites the table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules._base import PerfRule
from agents.schema_performance.statements import changed_alters
from agents.sql.ast import format_qualname, type_mods, type_name
from agents.sql.model import Column

_ALIASES = {
    "character varying": "varchar",
    "int": "int4",
    "integer": "int4",
    "bigint": "int8",
    "smallint": "int2",
    "decimal": "numeric",
    "timestamp with time zone": "timestamptz",
    "bool": "bool",
    "boolean": "bool",
}


def _norm(name: str) -> str:
    return _ALIASES.get(name, name)


def binary_compatible(old: Column, new_type: str, new_mods: tuple[int, ...]) -> bool:
    """True when PostgreSQL changes ``old`` to ``new_type(new_mods)`` without rewriting the table.

    The cases PostgreSQL documents as skipping the rewrite: same type with a
    wider or removed length/precision (``varchar(20)`` → ``varchar(50)`` /
    ``text``, ``numeric(10,2)`` → ``numeric(12,2)``), ``varchar`` ↔ ``text``,
    ``cidr`` → ``inet``, and ``timestamp`` → ``timestamptz`` when the session
    time zone is UTC (Supabase's default).
    """
    if old.array:
        return False
    o, n = _norm(old.type_name), _norm(new_type)
    om, nm = old.type_mods, new_mods
    if o == n:
        if o == "varchar":
            return not nm or (bool(om) and nm[0] >= om[0])
        if o == "numeric":
            if not nm:
                return True
            if not om:
                return False
            o_scale = om[1] if len(om) > 1 else 0
            n_scale = nm[1] if len(nm) > 1 else 0
            return n_scale == o_scale and nm[0] >= om[0]
        if o in ("bit varying", "varbit"):
            return not nm or (bool(om) and nm[0] >= om[0])
        return om == nm
    if o == "varchar" and n == "text":
        return True
    if o == "text" and n == "varchar" and not nm:
        return True
    return (o, n) in {("cidr", "inet"), ("timestamp", "timestamptz")}


class ColumnTypeChange(PerfRule):
    """Flags `ALTER COLUMN … TYPE` on an existing column unless the change is binary-compatible.

    ## What it does
    Reports a type change of a column that existed before the PR, on a table
    assumed to hold data, unless PostgreSQL can skip the rewrite (a wider
    `varchar`/`numeric`, `varchar` → `text`, `timestamp` → `timestamptz`
    under UTC). A `USING` expression always counts as a rewrite.

    ## Why is this bad?
    The table and all its indexes are rewritten under an ACCESS EXCLUSIVE
    lock: reads and writes stop for minutes on a large table, and clients
    compiled against the old type may break.

    ## Example
    ```sql
    alter table public.orders alter column total type numeric(12, 2);
    ```

    ## Use instead
    ```sql
    alter table public.orders add column total_cents bigint;
    -- backfill in batches, switch readers and writers, then drop the old column
    ```

    ## References
    - PostgreSQL: ALTER TABLE, Notes (rewrite rules for SET DATA TYPE)
    - squawk: changing-column-type
    """

    code: ClassVar[str] = "MIG007"
    name: ClassVar[str] = "column-type-change"
    severity: ClassVar[Severity] = Severity.MEDIUM
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"AlterTableStmt.AT_AlterColumnType"}
    )
    severity_reason: ClassVar[str] = (
        "A full table and index rewrite under ACCESS EXCLUSIVE stops reads and writes."
    )

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        if not ctx.is_migration:
            return
        for alter in changed_alters(ctx):
            if alter.subtype != "AT_AlterColumnType":
                continue
            table = ctx.before.tables.get(alter.table)
            column = table.columns.get(str(alter.cmd.get("name", ""))) if table else None
            if column is None:
                continue
            coldef = (alter.cmd.get("def") or {}).get("ColumnDef") or {}
            new_type = type_name(coldef.get("typeName"))
            new_mods = type_mods(coldef.get("typeName"))
            has_using = bool(coldef.get("raw_default"))
            if not has_using and binary_compatible(column, new_type, new_mods):
                continue
            shown = new_type + (f"({', '.join(map(str, new_mods))})" if new_mods else "")
            yield self.finding(
                ctx.path,
                ctx.line(coldef.get("location"), alter.stmt.line),
                f"Changing `{format_qualname(alter.table)}.{column.name}` from "
                f"`{column.type_name}` to "
                f"`{shown}` rewrites the table and its indexes under an ACCESS EXCLUSIVE lock: "
                "reads and "
                "writes wait until it finishes.",
                "Add a new column of the new type, backfill it in batches, move readers and "
                "writers over, "
                "then drop the old column in a later release.",
            )
