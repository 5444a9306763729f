"""PERF011: a new column of type ``varchar(n)``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules._base import COLUMN_STATEMENTS, PerfRule
from agents.schema_performance.rules.column_types import (
    by_statement,
    column_type,
    listed,
    new_columns,
)
from agents.schema_performance.statements import ColumnFacts
from agents.sql.ast import format_qualname


class VarcharLengthLimit(PerfRule):
    """Flags new `varchar(n)` columns.

    ## What it does
    Reports a column the PR defines as `varchar(n)` / `character varying(n)`.
    (`char(n)` is not reported: for fixed-length codes such as ISO country
    or currency codes it is a reasonable choice.)

    ## Why is this bad?
    In PostgreSQL `varchar(n)` is stored exactly like `text`; the limit only
    adds a constraint that cannot be changed without `ALTER COLUMN TYPE`
    (which takes an ACCESS EXCLUSIVE lock, and rewrites when narrowing). A
    `text` column with a `CHECK (char_length(col) <= n)` enforces the same
    limit and can be changed with `NOT VALID` + `VALIDATE` without blocking.

    ## Example
    ```sql
    create table public.profiles (id uuid primary key, username varchar(30));
    ```

    ## Use instead
    ```sql
    create table public.profiles (
      id uuid primary key,
      username text check (char_length(username) <= 30)
    );
    ```

    ## References
    - PostgreSQL wiki: Don't Do This ("Don't use varchar(n) by default")
    - squawk: prefer-text-field (squawk's ban-char-field is deliberately not followed:
      `char(2)`/`char(3)` for ISO country and currency codes is a sound choice)
    """

    code: ClassVar[str] = "PERF011"
    name: ClassVar[str] = "varchar-length-limit"
    severity: ClassVar[Severity] = Severity.LOW
    statement_kinds: ClassVar[frozenset[str] | None] = COLUMN_STATEMENTS
    severity_reason: ClassVar[str] = "Hygiene: the cost appears only when the limit must change."

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        limited = [c for c in new_columns(ctx) if _limit(c) is not None]
        for group in by_statement(limited):
            first = group[0]
            limit = _limit(first)
            if len(group) == 1:
                what = f"`{format_qualname(first.table)}.{first.name}` is `varchar({limit})`"
            else:
                table = format_qualname(first.table)
                what = f"`{table}` has `varchar(n)` columns ({listed(group)})"
            yield self.finding(
                ctx.path,
                first.line,
                f"{what}: stored like `text`, but changing a limit later needs `ALTER COLUMN "
                "TYPE` under an exclusive lock.",
                f"Use `text` with `check (char_length({first.name}) <= {limit})`.",
            )


def _limit(col: ColumnFacts) -> int | None:
    tname, mods, _ = column_type(col)
    if tname not in ("varchar", "character varying") or not mods:
        return None
    return mods[0]
