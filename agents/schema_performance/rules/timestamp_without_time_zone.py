"""PERF010: a new column of type ``timestamp`` (without time zone)."""

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
from agents.sql.ast import format_qualname


class TimestampWithoutTimeZone(PerfRule):
    """Flags new columns of type `timestamp` / `timestamp without time zone`.

    ## What it does
    Reports a column the PR defines as `timestamp` (without time zone).

    ## Why is this bad?
    `timestamp` stores a wall-clock reading with no zone: the same instant
    written by an Edge Function (UTC) and by a client (local time) compare
    wrongly, and `now()` is silently converted using the session time zone.
    supabase-js and PostgREST return it without an offset, so browsers parse
    it as local time.

    ## Example
    ```sql
    create table public.tasks (id bigint primary key, due_at timestamp);
    ```

    ## Use instead
    ```sql
    create table public.tasks (id bigint primary key, due_at timestamptz);
    ```

    ## References
    - PostgreSQL wiki: Don't Do This ("Don't use timestamp (without time zone)")
    - squawk: prefer-timestamptz
    """

    code: ClassVar[str] = "PERF010"
    name: ClassVar[str] = "timestamp-without-time-zone"
    severity: ClassVar[Severity] = Severity.LOW
    statement_kinds: ClassVar[frozenset[str] | None] = COLUMN_STATEMENTS
    severity_reason: ClassVar[str] = "Wrong comparisons and display across zones, but no outage."

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        plain = [c for c in new_columns(ctx) if column_type(c)[0] == "timestamp"]
        for group in by_statement(plain):
            first = group[0]
            what = (
                f"`{format_qualname(first.table)}.{first.name}` is"
                if len(group) == 1
                else f"`{format_qualname(first.table)}` has {listed(group)} as"
            )
            yield self.finding(
                ctx.path,
                first.line,
                f"{what} `timestamp` without time zone: instants written from different zones "
                "compare wrongly and clients parse it as local time.",
                "Use `timestamptz` (it stores an absolute instant and returns it with an offset).",
            )
