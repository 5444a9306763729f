"""Shared facts about column types for the type-hygiene rules (PERF009–PERF012)."""

from __future__ import annotations

import re

from agents.schema_performance.context import PerfContext
from agents.schema_performance.statements import ColumnFacts, changed_columns
from agents.sql.model import QualName

MONEY_WORDS = re.compile(
    r"(^|_)(price|prices|amount|amounts|cost|costs|budget|balance|total|subtotal|fee|fees|salary|wage|"
    r"revenue|payment|payout|refund|credit|debit|money|tax|discount|charge|invoice)(_|$)"
)
"""Column-name words that say "this is money"."""


def new_columns(ctx: PerfContext) -> list[ColumnFacts]:
    """Columns the PR defines in migrations (type rules judge new columns only)."""
    return list(changed_columns(ctx))


def by_statement(cols: list[ColumnFacts]) -> list[list[ColumnFacts]]:
    """Columns grouped per statement and table, in file order: a type-hygiene rule says
    once per ``CREATE TABLE`` which of its columns it means, not once per column."""
    groups: dict[tuple[int, QualName], list[ColumnFacts]] = {}
    for col in cols:
        groups.setdefault((col.stmt.index, col.table), []).append(col)
    return list(groups.values())


def listed(cols: list[ColumnFacts], limit: int = 6) -> str:
    r"""``\`a\`, \`b\` and 3 more`` for a message."""
    names = [f"`{c.name}`" for c in cols[:limit]]
    more = f" and {len(cols) - limit} more" if len(cols) > limit else ""
    return ", ".join(names) + more


def column_type(col: ColumnFacts) -> tuple[str, tuple[int, ...], bool]:
    """``(normalised type name, modifiers, is_array)`` of a column definition."""
    return col.type


NOT_MONEY_WORDS = re.compile(
    r"(^|_)(rate|ratio|percent|percentage|pct|score|weight|factor|multiplier|share|count)(_|$)"
)
"""Words that turn a money word into something else (``tax_rate``, ``credit_score``)."""


def is_money_name(name: str) -> bool:
    """True when a column name reads as a money amount (``price``, ``total_cost``, ``budget``)."""
    lowered = name.lower()
    return bool(MONEY_WORDS.search(lowered)) and not NOT_MONEY_WORDS.search(lowered)
