"""PERF009: a new table's primary key is a 32-bit ``integer`` / ``serial``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules._base import PerfRule
from agents.schema_performance.rules.column_types import column_type, new_columns
from agents.schema_performance.statements import ColumnFacts
from agents.sql.ast import format_qualname, func_calls

INT4_TYPES = frozenset({"int4", "int", "integer", "serial", "serial4"})
SERIAL_TYPES = frozenset({"serial", "serial4"})


def _generated(col: ColumnFacts) -> bool:
    """True when the key is filled by a counter: serial, identity, or a nextval() default."""
    tname, _, _ = column_type(col)
    if tname in SERIAL_TYPES or col.has("CONSTR_IDENTITY"):
        return True
    return any(
        name.rsplit(".", 1)[-1] == "nextval"
        for d in col.constraints("CONSTR_DEFAULT")
        for name, _ in func_calls(d.get("raw_expr"))
    )


class IntegerPrimaryKey(PerfRule):
    """Flags `integer` / `serial` primary keys on tables the PR creates.

    ## What it does
    Reports a primary-key column of type `integer`, `int4` or `serial` in a
    `CREATE TABLE` (inline `primary key` or a table-level key on that single
    column) whose values come from a counter (`serial`, identity, a `nextval()`
    default). Keys assigned by hand (fixed catalogues, external ids) and
    `smallint` keys are left alone: they do not grow with traffic.

    ## Why is this bad?
    A 32-bit key runs out at 2,147,483,647 rows (sequence values burned by
    failed inserts count too). Widening it later is a full rewrite of the
    table and of every table referencing it, under exclusive locks: an
    outage at the worst moment, when the table is largest.

    ## Example
    ```sql
    create table public.events (id serial primary key, name text);
    ```

    ## Use instead
    ```sql
    create table public.events (id bigint generated always as identity primary key, name text);
    ```

    ## References
    - squawk: prefer-bigint-over-int, prefer-identity (squawk flags every `int` column
      and every `smallint`; only keys can run out, and a `smallint` key of a fixed catalogue
      is deliberate)
    - PostgreSQL wiki: Don't Do This ("Don't use serial")
    """

    code: ClassVar[str] = "PERF009"
    name: ClassVar[str] = "integer-primary-key"
    severity: ClassVar[Severity] = Severity.LOW
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset({"CreateStmt"})
    severity_reason: ClassVar[str] = (
        "Years away for most tables, but the fix is a locking rewrite of every referencing table."
    )

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        for col in new_columns(ctx):
            if col.stmt.kind != "CreateStmt":
                continue
            tname, _, is_array = column_type(col)
            if tname not in INT4_TYPES or is_array:
                continue
            table = ctx.after.tables.get(col.table)
            inline_pk = col.has("CONSTR_PRIMARY")
            table_pk = table is not None and table.primary_key == (col.name,)
            if not (inline_pk or table_pk):
                continue
            if not _generated(col):
                continue  # values assigned by hand: a catalogue or an external id, not a counter
            yield self.finding(
                ctx.path,
                col.line,
                f"The primary key `{format_qualname(col.table)}.{col.name}` is a 32-bit "
                f"`{tname}`: it runs "
                "out at about 2.1 billion rows, and widening it later rewrites this table and "
                "every table "
                "referencing it.",
                "Use `bigint generated always as identity primary key` (or `uuid`).",
            )
