"""The SQL inside a function body, parsed, with every node mapped to a file line.

``LANGUAGE sql`` bodies are parsed as SQL; ``LANGUAGE plpgsql`` bodies go
through ``pglast.parser.parse_plpgsql_json`` and every embedded query or
expression (``UPDATE …``, ``IF NOT EXISTS (…)``, the right-hand side of
``v := …``) is parsed again as SQL.  Each statement also records the PL/pgSQL
variables it assigns (``v := …``, ``select … into v``, a declaration's
default), so :attr:`FunctionBody.identity_vars` can follow the caller's
identity through variables and parameters: ``v_uid := auth.uid()`` then
``where owner = v_uid`` is a check on the caller.
A body pglast cannot read is *opaque*: :func:`body_sql` returns ``None`` and
callers say so in their notes instead of guessing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from pglast import parser as pg_parser

from agents.sql.ast import column_names, references_identity
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
    targets: tuple[str, ...] = ()
    """PL/pgSQL variables (or parameters) this statement assigns."""

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

    @cached_property
    def identity_vars(self) -> frozenset[str]:
        """Variables and parameters that hold the caller's identity, or something picked
        with it: assigned from ``auth.uid()``/``auth.jwt()`` (``v := auth.uid()``,
        ``select org_id into v from members where user_id = auth.uid()``), or from
        another such variable.  Filtering on one of them is filtering on the caller."""
        found: set[str] = set()
        assigning = [item for item in self.statements if item.targets]
        for _ in range(4):  # a few hops of v2 := v1 are plenty
            grew = False
            for item in assigning:
                if set(item.targets) <= found:
                    continue
                if references_identity(item.node) or column_names(item.node) & found:
                    found.update(item.targets)
                    grew = True
            if not grew:
                break
        return frozenset(found)

    def mentions_identity(self, item: BodySql) -> bool:
        """True when ``item`` reads the caller's identity, directly or through a variable."""
        if references_identity(item.node):
            return True
        return bool(self.identity_vars and column_names(item.node) & self.identity_vars)


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


def _parse_embedded(query: str, line: int, targets: tuple[str, ...] = ()) -> BodySql | None:
    try:
        tree = json.loads(pg_parser.parse_sql_json(query))
        stmts = tree.get("stmts", [])
        if len(stmts) == 1 and stmts[0].get("stmt"):
            return BodySql(node=stmts[0]["stmt"], text=query, line=line, targets=targets)
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
        targets=targets,
    )


def _assignment_value(query: str) -> str | None:
    """The right-hand side of a PL/pgSQL assignment query (``v_uid := auth.uid()``)."""
    try:
        tokens = pg_parser.scan(query)
    except pg_parser.ParseError:
        return None
    depth = 0
    for tok in tokens:
        text = query[tok.start : tok.end + 1]
        if text in ("(", "["):
            depth += 1
        elif text in (")", "]"):
            depth -= 1
        elif depth == 0 and text in (":=", "="):
            return query[tok.end + 1 :]
    return None


class _Plpgsql:
    """Walks a ``parse_plpgsql_json`` tree: every query with its line and assigned names."""

    def __init__(self, datums: list[Any]) -> None:
        self.datums = datums

    def name(self, varno: Any) -> str | None:
        """The variable a ``varno`` points at (None for unnamed rows)."""
        if not isinstance(varno, int) or not 0 <= varno < len(self.datums):
            return None
        datum = self.datums[varno]
        fields = next(iter(datum.values())) if isinstance(datum, dict) and datum else {}
        name = fields.get("refname") if isinstance(fields, dict) else None
        return str(name) if name and not str(name).startswith("(") else None

    @staticmethod
    def target_names(target: Any) -> tuple[str, ...]:
        """Names an ``INTO`` target assigns (a row of variables, a variable, a record)."""
        if not isinstance(target, dict):
            return ()
        row = target.get("PLpgSQL_row")
        if isinstance(row, dict):
            return tuple(str(f["name"]) for f in row.get("fields") or [] if f.get("name"))
        for kind in ("PLpgSQL_var", "PLpgSQL_rec"):
            fields = target.get(kind)
            if isinstance(fields, dict) and fields.get("refname"):
                return (str(fields["refname"]),)
        return ()

    def queries(self, node: Any, lineno: int) -> Iterator[tuple[str, int, tuple[str, ...]]]:
        """(query text, body line, assigned names) of every ``PLpgSQL_expr`` under ``node``."""
        if isinstance(node, list):
            for item in node:
                yield from self.queries(item, lineno)
            return
        if not isinstance(node, dict):
            return
        here = node.get("lineno")
        current = here if isinstance(here, int) and here > 0 else lineno
        assign = node.get("PLpgSQL_stmt_assign")
        if isinstance(assign, dict):
            line = assign.get("lineno") or current
            query = ((assign.get("expr") or {}).get("PLpgSQL_expr") or {}).get("query")
            value = _assignment_value(query) if isinstance(query, str) else None
            target = self.name(assign.get("varno", 0))
            if value is not None:
                yield value, line, (target,) if target else ()
            return
        var = node.get("PLpgSQL_var")
        if isinstance(var, dict):
            query = ((var.get("default_val") or {}).get("PLpgSQL_expr") or {}).get("query")
            if isinstance(query, str) and var.get("refname"):
                yield query, var.get("lineno") or current, (str(var["refname"]),)
            return
        execsql = node.get("PLpgSQL_stmt_execsql")
        if isinstance(execsql, dict) and execsql.get("into"):
            line = execsql.get("lineno") or current
            query = ((execsql.get("sqlstmt") or {}).get("PLpgSQL_expr") or {}).get("query")
            if isinstance(query, str):
                yield query, line, self.target_names(execsql.get("target"))
            return
        expr = node.get("PLpgSQL_expr")
        if isinstance(expr, dict) and isinstance(expr.get("query"), str):
            yield expr["query"], current, ()
        for value in node.values():
            yield from self.queries(value, current)


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
    for function in tree if isinstance(tree, list) else [tree]:
        fields = function.get("PLpgSQL_function") if isinstance(function, dict) else None
        if not isinstance(fields, dict):
            continue
        walker = _Plpgsql(fields.get("datums") or [])
        for query, lineno, targets in walker.queries(fields, 1):
            item = _parse_embedded(query, base_line + lineno - 1, targets)
            if item is not None:
                out.append(item)
    return FunctionBody(statements=tuple(out))
