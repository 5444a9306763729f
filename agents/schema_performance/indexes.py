"""Which columns the schema can look up fast: indexes, primary keys and unique constraints.

A B-tree index serves a lookup on column ``c`` only when ``c`` is its *leading*
column (or, for several columns, when they are its leading prefix).  Primary
keys and UNIQUE constraints build such an index implicitly, so they count.
Partial indexes cover only the rows matching their predicate: they serve a
policy filter that repeats the predicate, and a foreign-key check only when the
predicate is just ``<key column> IS NOT NULL`` (the check looks up non-null
values, so the planner proves the predicate).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agents.sql.ast import column_names
from agents.sql.model import Catalog, Index, QualName

MANAGED_SCHEMAS = frozenset(
    {
        "auth",
        "storage",
        "realtime",
        "vault",
        "extensions",
        "graphql",
        "supabase_functions",
        "net",
        "cron",
    }
)
"""Schemas Supabase owns and indexes itself: index advice on their tables is not actionable."""


def indexes_by_table(catalog: Catalog) -> dict[QualName, list[Index]]:
    """Every index of ``catalog`` grouped by its table (``Catalog.indexes_on`` scans them all)."""
    grouped: dict[QualName, list[Index]] = {}
    for index in catalog.indexes.values():
        grouped.setdefault(index.table, []).append(index)
    return grouped


def key_column_lists(
    catalog: Catalog,
    table: QualName,
    grouped: dict[QualName, list[Index]] | None = None,
    include_partial: bool = False,
) -> list[tuple[str | None, ...]]:
    """Column lists of every index-backed key on ``table`` (partial indexes only on request)."""
    keys: list[tuple[str | None, ...]] = []
    t = catalog.tables.get(table)
    if t is not None:
        if t.primary_key:
            keys.append(tuple(t.primary_key))
        keys.extend(tuple(u) for u in t.unique_constraints)
    indexes = grouped.get(table, []) if grouped is not None else catalog.indexes_on(table)
    for index in indexes:
        # BRIN and GIN are lossy or multi-valued: they do not serve an equality
        # lookup the way a foreign-key check or an RLS filter needs.
        if (include_partial or not index.partial) and index.method in ("btree", "hash"):
            keys.append(tuple(index.columns))
    return keys


def _not_null_columns(pred: Any) -> set[str] | None:
    """Columns of a predicate made only of ``col IS NOT NULL`` tests joined by AND, else None."""
    if not isinstance(pred, dict) or len(pred) != 1:
        return None
    [(kind, fields)] = pred.items()
    if not isinstance(fields, dict):
        return None
    if kind == "NullTest" and fields.get("nulltesttype") == "IS_NOT_NULL":
        arg = fields.get("arg")
        if isinstance(arg, dict) and "ColumnRef" in arg:
            return set(column_names(arg))
        return None
    if kind == "BoolExpr" and fields.get("boolop") == "AND_EXPR":
        out: set[str] = set()
        for item in fields.get("args") or []:
            cols = _not_null_columns(item)
            if cols is None:
                return None
            out |= cols
        return out
    return None


def not_null_partial_keys(
    catalog: Catalog,
    table: QualName,
    columns: Sequence[str],
    grouped: dict[QualName, list[Index]] | None = None,
) -> list[tuple[str | None, ...]]:
    """Keys of partial B-tree indexes whose predicate only says some of ``columns`` are not
    null: a lookup by equality on ``columns`` implies the predicate, so they serve it."""
    wanted = set(columns)
    indexes = grouped.get(table, []) if grouped is not None else catalog.indexes_on(table)
    keys: list[tuple[str | None, ...]] = []
    for index in indexes:
        if not index.partial or index.method not in ("btree", "hash"):
            continue
        cols = _not_null_columns(index.where)
        if cols and cols <= wanted:
            keys.append(tuple(index.columns))
    return keys


def is_covered(
    catalog: Catalog,
    table: QualName,
    columns: Sequence[str],
    grouped: dict[QualName, list[Index]] | None = None,
    include_partial: bool = False,
) -> bool:
    """True when some key of ``table`` starts with ``columns`` (in any order of that prefix).

    ``include_partial`` counts partial indexes too: right for a policy filter, whose
    other conditions often repeat the index predicate (``deleted_at is null``), wrong
    for a foreign-key check, which must find every referencing row.
    """
    wanted = set(columns)
    n = len(wanted)
    keys = key_column_lists(catalog, table, grouped, include_partial)
    if not include_partial:
        keys += not_null_partial_keys(catalog, table, columns, grouped)
    return any(len(k) >= n and set(k[:n]) == wanted for k in keys)
