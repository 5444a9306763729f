"""Parse one SQL file with pglast and map every AST location to a head-file line.

pglast's JSON parse (``parse_sql_json``) is about twenty times faster than
building its Python AST objects, and replaying a long migration history is on
the hot path, so statements are kept as plain JSON AST dicts.  libpg_query
reports *byte* offsets into the UTF-8 text; :class:`ParsedSql` converts them to
1-based lines so a finding points at the offending clause.

Suppression comments are read by :mod:`agents.suppression`, not here.
"""

from __future__ import annotations

import bisect
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pglast import parser as pg_parser

try:  # orjson decodes pglast's JSON ~3x faster; it ships with langgraph's dependencies
    import orjson

    _loads: Callable[[str], Any] = orjson.loads
except ImportError:  # pragma: no cover - the stdlib is always there
    _loads = json.loads

AstNode = dict[str, Any]


@dataclass(frozen=True)
class SqlSyntaxError:
    """Why a file did not parse, where."""

    message: str
    line: int


@dataclass(frozen=True)
class Statement:
    """One top-level statement of a file."""

    index: int
    kind: str
    """Top-level node type, e.g. ``CreateStmt``, ``CreatePolicyStmt``, ``IndexStmt``."""
    node: AstNode
    """The node's fields (the value under ``kind``)."""
    start: int
    """Byte offset of the statement's first token."""
    end: int
    """Byte offset just past the statement (before its ``;``)."""
    line: int
    end_line: int

    @property
    def kinds(self) -> Iterator[str]:
        """What rules can ask for (``Rule.statement_kinds``): the statement's kind and,
        for ``ALTER TABLE``, one ``AlterTableStmt.<subtype>`` per sub-command
        (``AlterTableStmt.AT_SetNotNull``): most locking rules care about one of them."""
        yield self.kind
        if self.kind == "AlterTableStmt":
            for item in self.node.get("cmds") or ():
                cmd = item.get("AlterTableCmd") if isinstance(item, dict) else None
                if cmd:
                    yield f"AlterTableStmt.{cmd.get('subtype', '')}"


def kinds_of(statements: Iterable[Statement]) -> frozenset[str]:
    """Every :attr:`Statement.kinds` of ``statements``: what decides which rules a file
    gets (``agents.rules.RulesByStatement``)."""
    return frozenset(k for stmt in statements for k in stmt.kinds)


@dataclass(frozen=True)
class CommentedStatement:
    """A statement that sits inside a comment (``-- alter table t enable row level security;``).

    Comments are not statements: nothing here runs.  Rules use these only as
    evidence ("the line enabling RLS is commented out").
    """

    line: int
    """Line of the comment that holds the statement's first token."""
    kind: str
    node: AstNode
    text: str
    """The comment's first line, as written."""


@dataclass
class ParsedSql:
    """A SQL file: its statements, or the syntax error that stopped pglast."""

    path: str
    text: str
    statements: list[Statement] = field(default_factory=list)
    error: SqlSyntaxError | None = None
    _line_starts: list[int] = field(default_factory=list, repr=False)
    _raw: bytes | None = field(default=None, repr=False)
    _commented: list[CommentedStatement] | None = field(default=None, repr=False)

    def commented_statements(self) -> list[CommentedStatement]:
        """Statements written inside comments (commented-out SQL), parsed; computed once.

        Consecutive whole-line ``--`` comments are read together (a commented-out
        statement often spans lines), then line by line when the block as a
        whole is not SQL; a ``/* … */`` comment is read as one block.
        """
        if self._commented is None:
            self._commented = _commented_statements(self.text)
        return self._commented

    def line_for(self, byte_offset: int) -> int:
        """1-based line holding the byte at ``byte_offset`` (a pglast ``location``)."""
        return bisect.bisect_right(self._line_starts, max(byte_offset, 0))

    def line_of_node(self, node: Any, default: int) -> int:
        """Line of the first ``location`` found in ``node`` (depth first), else ``default``."""
        loc = first_location(node)
        return default if loc is None else self.line_for(loc)

    def statement_text(self, stmt: Statement) -> str:
        if self._raw is None:
            self._raw = self.text.encode("utf-8")
        return self._raw[stmt.start : stmt.end].decode("utf-8", errors="replace")


def first_location(node: Any) -> int | None:
    """The first ``location`` value (>= 0) found depth first in a JSON AST value."""
    if isinstance(node, dict):
        loc = node.get("location")
        if isinstance(loc, int) and loc >= 0:
            return loc
        for value in node.values():
            found = first_location(value)
            if found is not None:
                return found
    elif isinstance(node, list):
        for item in node:
            found = first_location(item)
            if found is not None:
                return found
    return None


def _walk(node: Any) -> list[tuple[str, AstNode]]:
    """Every typed node inside ``node``, depth first, in document order.

    Iterative with an explicit stack: nested ``yield from`` generators cost a
    frame per level for every node yielded.
    """
    out: list[tuple[str, AstNode]] = []
    stack: list[tuple[Any, Any]] = [(None, node)]
    pop, push = stack.pop, stack.extend
    while stack:
        key, value = pop()
        if isinstance(value, dict):
            if key is not None and key[:1].isupper():
                out.append((key, value))
            push(reversed(value.items()))
        elif isinstance(value, list):
            push((None, item) for item in reversed(value))
    return out


_WALKED: dict[int, tuple[Any, tuple[tuple[str, AstNode], ...]]] = {}
_WALKED_LOCK = threading.Lock()
_WALKED_MAX = 8192


def walk(node: Any) -> Iterator[tuple[str, AstNode]]:
    """Yield ``(node_type, fields)`` for every typed node inside a JSON AST value.

    Depth first, in document order.  This is the hot loop of a large review:
    some thirty rules walk the same policy and function expressions, so each
    node's walk is remembered (keyed by identity, holding the node itself so
    the identity cannot be reused while remembered; trees are never mutated).
    """
    if not isinstance(node, (dict, list)):
        return iter(())
    key = id(node)
    with _WALKED_LOCK:
        hit = _WALKED.get(key)
    if hit is not None and hit[0] is node:
        return iter(hit[1])
    flat = tuple(_walk(node))
    with _WALKED_LOCK:
        if len(_WALKED) >= _WALKED_MAX:
            del _WALKED[next(iter(_WALKED))]
        _WALKED[key] = (node, flat)
    return iter(flat)


def parse_sql(path: str, text: str) -> ParsedSql:
    """Parse ``text``; never raises on bad SQL (the error is recorded instead)."""
    raw = text.encode("utf-8")
    starts = [0]
    pos = raw.find(b"\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = raw.find(b"\n", pos + 1)
    parsed = ParsedSql(path=path, text=text, _line_starts=starts)
    try:
        tree = _loads(pg_parser.parse_sql_json(text))
    except pg_parser.ParseError as exc:
        message = str(exc.args[0]) if exc.args else str(exc)
        offset = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else None
        line = parsed.line_for(offset) if offset is not None else len(starts)
        parsed.error = SqlSyntaxError(message=message, line=line)
        return parsed
    for i, item in enumerate(tree.get("stmts", [])):
        stmt = item.get("stmt") or {}
        if not stmt:
            continue
        kind, node = next(iter(stmt.items()))
        start = int(item.get("stmt_location", 0))
        length = int(item.get("stmt_len", 0)) or (len(raw) - start)
        end = start + length
        # skip leading whitespace/comments the parser counted in the statement span
        parsed.statements.append(
            Statement(
                index=i,
                kind=kind,
                node=node,
                start=start,
                end=end,
                line=parsed.line_for(_first_token(raw, start, end)),
                end_line=parsed.line_for(max(start, end - 1)),
            )
        )
    return parsed


def _first_token(raw: bytes, start: int, end: int) -> int:
    """Offset of the first non-blank byte in [start, end) that is not inside a leading comment."""
    i = start
    while i < end:
        c = raw[i : i + 1]
        if c in (b" ", b"\t", b"\r", b"\n"):
            i += 1
        elif raw.startswith(b"--", i):
            nl = raw.find(b"\n", i)
            i = end if nl == -1 else nl + 1
        elif raw.startswith(b"/*", i):
            close = raw.find(b"*/", i + 2)
            i = end if close == -1 else close + 2
        else:
            return i
    return start


def _commented_statements(text: str) -> list[CommentedStatement]:
    if "--" not in text and "/*" not in text:
        return []
    try:
        tokens = pg_parser.scan(text)
    except pg_parser.ParseError:
        return []
    lines = text.splitlines()
    blocks: list[list[tuple[int, str]]] = []
    last_line = -2
    for tok in tokens:
        if tok.name not in ("SQL_COMMENT", "C_COMMENT"):
            continue
        line = text.count("\n", 0, tok.start) + 1
        body = text[tok.start : tok.end + 1]
        if tok.name == "C_COMMENT":
            blocks.append([(line, body[2:-2] if body.endswith("*/") else body[2:])])
            last_line = -2
            continue
        whole_line = line <= len(lines) and lines[line - 1].lstrip().startswith("--")
        entry = (line, body.lstrip("-"))
        if whole_line and line == last_line + 1 and blocks:
            blocks[-1].append(entry)
        else:
            blocks.append([entry])
        last_line = line if whole_line else -2
    out: list[CommentedStatement] = []
    for block in blocks:
        found = _parse_block(block, lines)
        if found is None and len(block) > 1:
            for entry in block:
                out.extend(_parse_block([entry], lines) or [])
        else:
            out.extend(found or [])
    return out


def _parse_block(block: list[tuple[int, str]], lines: list[str]) -> list[CommentedStatement] | None:
    """The statements of one comment block, or None when it is not SQL."""
    body = "\n".join(part for _, part in block)
    if not any(c.isalpha() for c in body):
        return None
    try:
        tree = _loads(pg_parser.parse_sql_json(body))
    except pg_parser.ParseError:
        return None
    first = block[0][0]
    out: list[CommentedStatement] = []
    for item in tree.get("stmts", []):
        stmt = item.get("stmt") or {}
        if not stmt:
            continue
        kind, node = next(iter(stmt.items()))
        raw = body.encode("utf-8")
        offset = int(item.get("stmt_location", 0))
        start = _first_token(raw, offset, offset + int(item.get("stmt_len", 0) or len(raw)))
        line = first + raw[:start].count(b"\n")
        shown = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        out.append(CommentedStatement(line=line, kind=kind, node=node, text=shown))
    return out
