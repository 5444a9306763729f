"""How a policy expression is evaluated: what runs once per statement and what runs per row.

PostgreSQL evaluates an uncorrelated scalar sub-select such as
``(select auth.uid())`` once per statement (an *initPlan*) and caches it; a
bare function call in the predicate runs again for every row the query
scans.  ``per_row_calls`` therefore walks the predicate without descending
into sub-selects (``SubLink``): what it yields is what is evaluated per row.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from agents.sql.ast import column_refs, from_aliases, func_name, is_jwt_setting_call
from agents.sql.model import Catalog, QualName
from agents.sql.parse import walk

if TYPE_CHECKING:
    from agents.schema_performance.context import PerfContext

AstNode = dict[str, Any]

AUTH_FUNCTIONS = frozenset({"auth.uid", "auth.jwt", "auth.role", "auth.email"})
"""Supabase's per-request identity helpers (each reads the JWT claims setting)."""


def per_row_calls(expr: Any) -> Iterator[AstNode]:
    """``FuncCall`` fields evaluated for each row: calls not inside any sub-select."""
    if isinstance(expr, dict):
        for key, value in expr.items():
            if key == "SubLink":
                continue
            if key == "FuncCall" and isinstance(value, dict):
                yield value
                # arguments of a per-row call are per-row too
                yield from per_row_calls(value.get("args"))
                continue
            yield from per_row_calls(value)
    elif isinstance(expr, list):
        for item in expr:
            yield from per_row_calls(item)


def is_auth_call(fields: AstNode) -> bool:
    """``auth.uid()`` & co, or ``current_setting(…)`` (PostgREST's claims live there)."""
    name = func_name(fields)
    return name in AUTH_FUNCTIONS or name == "current_setting" or is_jwt_setting_call(name, fields)


def function_of(catalog: Catalog, fields: AstNode) -> QualName | None:
    """The catalogue key of a called user function (None for built-ins / unknown)."""
    parts = func_name(fields).split(".")
    qual: QualName = (parts[0], parts[1]) if len(parts) == 2 else ("public", parts[0])
    return qual if qual in catalog.functions else None


def has_column_argument(fields: AstNode) -> bool:
    """True when a call passes a column of the row (directly or inside an expression)."""
    return any(kind == "ColumnRef" for kind, _ in walk(fields.get("args")))


def outer_sublinks(expr: Any) -> Iterator[AstNode]:
    """``SubLink`` fields directly in ``expr`` (not nested inside another sub-select)."""
    if isinstance(expr, dict):
        for key, value in expr.items():
            if key == "SubLink" and isinstance(value, dict):
                yield value
            else:
                yield from outer_sublinks(value)
    elif isinstance(expr, list):
        for item in expr:
            yield from outer_sublinks(item)


def correlated_with(ctx: PerfContext, sublink: AstNode, outer: QualName) -> QualName | None:
    """The inner table when ``sublink``'s query refers to a column of the ``outer`` row."""
    select = (sublink.get("subselect") or {}).get("SelectStmt")
    if not select:
        return None
    aliases = from_aliases(select)
    if not aliases or outer[1] in aliases:
        return None
    outer_table = ctx.after.tables.get(outer)
    inner_tables = [ctx.after.tables.get(t) for t in aliases.values()]
    inner_known = all(t is not None for t in inner_tables)
    for parts, _ in column_refs(select.get("whereClause")):
        if len(parts) == 2 and parts[0] == outer[1]:
            return next(iter(aliases.values()))
        if (
            len(parts) == 1
            and inner_known
            and outer_table is not None
            and parts[0] in outer_table.columns
            and not any(parts[0] in t.columns for t in inner_tables if t is not None)
        ):
            return next(iter(aliases.values()))
    return None
