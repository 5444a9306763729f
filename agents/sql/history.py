"""What a PR does to migrations the base already has: which statements it removed, where.

The Supabase CLI records each applied migration's version and never runs it
again, so editing, renaming or deleting an applied migration does not change
any database that applied it; it changes only databases built from scratch
afterwards.  Two things follow, and both need the base text of the file:

* whether the edit changes any statement at all (a comment or whitespace edit
  is harmless) — :func:`statements_differ`;
* which statements the edit removed (a deleted ``enable row level security``,
  a ``revoke`` taken out, a policy rewritten) and where that place is in the
  head file — :func:`removed_statements`.  A pure deletion touches no head
  line, so rules that only read changed statements cannot see it.

Statements are compared by their parse tree without positions, so reformatting
is not a change and a statement moved within the file is not a removal.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from agents.sql.parse import ParsedSql, Statement, parse_sql

try:  # orjson keeps pglast's key order and is ~10x faster than stripping in Python
    import orjson

    def _dumps(node: Any) -> str:
        return orjson.dumps(node).decode()

except ImportError:  # pragma: no cover - orjson ships with langgraph's dependencies

    def _dumps(node: Any) -> str:
        return json.dumps(node, separators=(",", ":"))


_POSITION = re.compile(
    r'"(?:location|stmt_len|stmt_location|rexpr_list_start|rexpr_list_end)":-?\d+,?'
)
"""Position fields of pglast's JSON: where a node is, not what it is."""


def fingerprint(node: Any) -> str:
    """A statement's parse tree as text, without its position fields.

    pglast emits each node's fields in a fixed order, so equal trees give equal
    text; a dangling comma left where a position field was removed is the same
    on both sides of a comparison.
    """
    return _POSITION.sub("", _dumps(node))


@lru_cache(maxsize=256)
def _parsed(text: str) -> tuple[ParsedSql, tuple[str, ...]]:
    """One text's parse and statement fingerprints, computed once however many rules ask
    (the history rules of both SQL specialists read the same base and head texts).
    Keyed by text alone: nothing here reads the parse's path."""
    parsed = parse_sql("migration.sql", text)
    return parsed, tuple(fingerprint({s.kind: s.node}) for s in parsed.statements)


def statements_differ(base_text: str, head_text: str) -> bool:
    """True when the two versions of a migration do not hold the same statements
    (in any order); True as well when either does not parse (cannot tell)."""
    base, base_prints = _parsed(base_text)
    head, head_prints = _parsed(head_text)
    if base.error is not None or head.error is not None:
        return base_text != head_text
    return Counter(base_prints) != Counter(head_prints)


@dataclass(frozen=True)
class RemovedStatement:
    """A statement of the base version of a migration that the head version no longer has."""

    statement: Statement
    """The statement as it was (its node; its lines are base lines)."""
    base: ParsedSql
    """The base version of the file."""
    head_line: int | None
    """Where it was, as a line of the head file (the line now in its place); None when the
    file is gone."""

    @property
    def text(self) -> str:
        """The removed statement's text, on one line, shortened."""
        text = " ".join(self.base.statement_text(self.statement).split())
        return text if len(text) <= 90 else text[:87].rstrip() + "…"


def removed_statements(base_text: str, head_text: str | None) -> list[RemovedStatement]:
    """Statements of ``base_text`` missing from ``head_text`` (None: the file is deleted)."""
    base, base_prints = _parsed(base_text)
    if base.error is not None:
        return []
    if head_text is None:
        return [RemovedStatement(s, base, None) for s in base.statements]
    head, head_prints = _parsed(head_text)
    if head.error is not None:
        return []
    remaining = Counter(head_prints)
    mapping = _line_map(base_text, head_text)
    out: list[RemovedStatement] = []
    for stmt, key in zip(base.statements, base_prints, strict=True):
        if remaining[key] > 0:
            remaining[key] -= 1
            continue
        out.append(RemovedStatement(stmt, base, mapping(stmt.line)))
    return out


def _line_map(base_text: str, head_text: str) -> Callable[[int], int]:
    """A function from a base line to the head line at the same place."""
    base_lines = base_text.splitlines()
    head_lines = head_text.splitlines()
    opcodes = difflib.SequenceMatcher(a=base_lines, b=head_lines, autojunk=False).get_opcodes()
    last = max(len(head_lines), 1)

    def to_head(line: int) -> int:
        i = line - 1
        for tag, i1, i2, j1, j2 in opcodes:
            if i1 <= i < i2 or (i1 == i2 == i and tag == "insert"):
                if tag == "equal":
                    return j1 + (i - i1) + 1
                if tag == "replace":
                    return min(j1 + min(i - i1, max(j2 - j1 - 1, 0)), last - 1) + 1
                return min(j1, last - 1) + 1  # deleted: the line now in its place
        return last

    return to_head
