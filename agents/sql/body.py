"""The SQL inside a function body, parsed, with every node mapped to a file line.

``LANGUAGE sql`` bodies are parsed as SQL; ``LANGUAGE plpgsql`` bodies go
through ``pglast.parser.parse_plpgsql_json`` and every embedded query or
expression (``UPDATE …``, ``IF NOT EXISTS (…)``) is parsed again as SQL.
A body pglast cannot read is *opaque*: :func:`body_sql` returns ``None`` and
callers say so in their notes instead of guessing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pglast import parser as pg_parser

from agents.sql.model import Function
from agents.sql.parse import first_location, walk

AstNode = dict[str, Any]

_SELECT_PREFIX = "select "


@dataclass(frozen=True)
class BodySql:
    """One SQL statement or expression of a function body."""

    node: AstNode
    """The parsed statement (``{"UpdateStmt": …}``); expressions are wrapped in a SelectStmt."""
    text: str
    """The SQL text pglast parsed (for expressions: ``select <expr>``)."""
    line: int
    """File line where ``text`` starts."""
    offset: int = 0
    """Characters of ``text`` that are not in the file (the ``select `` prefix)."""
    is_expression: bool = False

    def line_of(self, node: Any) -> int:
        """File line of the first location inside ``node``."""
        loc = first_location(node)
        if loc is None:
            return self.line
        return self.line + self.text[: max(loc, self.offset)].count("\n")


@dataclass(frozen=True)
class FunctionBody:
    """A function body's SQL, in order."""

    statements: tuple[BodySql, ...]

    def nodes(self) -> Iterator[tuple[str, AstNode, BodySql]]:
        """``(node type, fields, containing BodySql)`` for every node of every statement."""
        for item in self.statements:
            for kind, fields in walk(item.node):
                yield kind, fields, item


def _parse_sql(text: str, line: int) -> list[BodySql] | None:
    try:
        tree = json.loads(pg_parser.parse_sql_json(text))
    except pg_parser.ParseError:
        return None
    out: list[BodySql] = []
    for item in tree.get("stmts", []):
        stmt = item.get("stmt")
        if not stmt:
            continue
        # locations are relative to the whole body text, which starts at ``line``
        out.append(BodySql(node=stmt, text=text, line=line))
    return out


def _parse_embedded(query: str, line: int) -> BodySql | None:
    try:
        tree = json.loads(pg_parser.parse_sql_json(query))
        stmts = tree.get("stmts", [])
        if len(stmts) == 1 and stmts[0].get("stmt"):
            return BodySql(node=stmts[0]["stmt"], text=query, line=line)
    except pg_parser.ParseError:
        pass
    wrapped = _SELECT_PREFIX + query
    try:
        tree = json.loads(pg_parser.parse_sql_json(wrapped))
    except pg_parser.ParseError:
        return None
    stmts = tree.get("stmts", [])
    if not stmts or not stmts[0].get("stmt"):
        return None
    return BodySql(
        node=stmts[0]["stmt"],
        text=wrapped,
        line=line,
        offset=len(_SELECT_PREFIX),
        is_expression=True,
    )


def _plpgsql_queries(node: Any, lineno: int) -> Iterator[tuple[str, int]]:
    """(query text, body line) of every ``PLpgSQL_expr`` in a plpgsql JSON tree."""
    if isinstance(node, dict):
        here = node.get("lineno")
        current = here if isinstance(here, int) and here > 0 else lineno
        expr = node.get("PLpgSQL_expr")
        if isinstance(expr, dict) and isinstance(expr.get("query"), str):
            yield expr["query"], current
        for value in node.values():
            yield from _plpgsql_queries(value, current)
    elif isinstance(node, list):
        for item in node:
            yield from _plpgsql_queries(item, lineno)


def body_sql(fn: Function) -> FunctionBody | None:
    """The parsed SQL of ``fn``'s body; None when it is absent, in another
    language, or pglast cannot parse it (opaque)."""
    if fn.body is None:
        return None
    base_line = fn.body_line or (fn.origin.line if fn.origin else 1)
    if fn.sql_body is not None:
        return FunctionBody(statements=(BodySql(node=fn.sql_body, text="", line=base_line),))
    if fn.language == "sql":
        parsed = _parse_sql(fn.body, base_line)
        return None if parsed is None else FunctionBody(statements=tuple(parsed))
    if fn.language != "plpgsql":
        return None
    source = fn.definition
    if source is None:
        return None
    try:
        tree = json.loads(pg_parser.parse_plpgsql_json(source))
    except (pg_parser.ParseError, ValueError):
        return None
    out: list[BodySql] = []
    for query, lineno in _plpgsql_queries(tree, 1):
        item = _parse_embedded(query, base_line + lineno - 1)
        if item is not None:
            out.append(item)
    return FunctionBody(statements=tuple(out))
