"""Suppression comments, in one place for every language the review reads.

Syntax (the same everywhere; ``--``, ``//``, ``/* */`` or ``#`` as the file's
language writes comments)::

    -- architect-review: ignore RLS005 public catalogue, read-only by design
    // architect-review: ignore EDGE004, EDGE008 the upstream is on localhost
    # architect-review: ignore EDGE010 public demo endpoint

One behaviour:

* **Comments only.**  Comments are found by each language's real lexer —
  pglast's scanner for SQL, tree-sitter ``comment`` nodes for TypeScript and
  JavaScript (and JSON/JSONC import maps, parsed as a JavaScript expression),
  a lexer that knows TOML's four string forms for ``#`` files — so the same
  words inside a string literal (``const note = "// architect-review: ignore
  PERF020"``) never suppress anything.
* **Where.**  A suppression covers a finding of one of its codes when the
  comment is on the finding's line or on the first line of the finding's
  statement, or in the block of comment lines directly above either of them
  (no blank or code line in between: a comment does not leak to the next
  statement).
* **Reason.**  Everything after the codes.  A suppression without one still
  suppresses (the author meant it), shows :data:`MISSING_REASON` and is
  reported, because a reviewer reading the review needs the why.
* **Problems** — a marker that is not ``ignore CODE…``, a code no rule has,
  a missing reason — are reported by :meth:`FileSuppressions.problems`, the
  one place that knows the syntax; the pipeline shows them as notes of the
  file.

Everything is lazy: a file whose text does not contain the marker is not
scanned at all, so the common case costs one substring search.

Why one module of about 420 lines: one module by design: every language's comment reader
feeds the same suppression syntax and the same reporting, so SQL, TypeScript and ``#``
files behave alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agents.findings import Finding, SuppressedFinding

if TYPE_CHECKING:
    from agents.specialist import RuleOutcome
    from agents.ts.parse import ParsedTs

MARKER = "architect-review:"
"""What every suppression comment starts with (after the comment delimiter)."""

MISSING_REASON = "no reason given"
"""The reason shown for a suppression that gives none."""

_IGNORE = re.compile(r"\s*ignore\b\s*")
_CODES = re.compile(r"([A-Za-z]+[0-9]+(?:\s*,\s*[A-Za-z]+[0-9]+)*)\s*")

SQL_SUFFIXES = (".sql",)
TS_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mts", ".mjs", ".cts", ".cjs")
JSON_SUFFIXES = (".json", ".jsonc")
HASH_SUFFIXES = (".toml",)


@dataclass(frozen=True)
class Comment:
    """One comment of a file, as its language's lexer found it."""

    line: int
    """1-based line the comment starts on."""
    end_line: int
    """1-based line it ends on (block comments may span lines)."""
    text: str
    """The comment, delimiters included."""
    own_line: bool
    """Nothing but whitespace precedes it on its first line."""


@dataclass(frozen=True)
class Suppression:
    """One ``architect-review: ignore CODE… reason`` comment."""

    line: int
    end_line: int
    own_line: bool
    codes: tuple[str, ...]
    reason: str
    """The author's words after the codes; empty when none were given."""

    @property
    def shown_reason(self) -> str:
        """The reason as the review shows it (:data:`MISSING_REASON` when empty)."""
        return self.reason or MISSING_REASON


@dataclass(frozen=True)
class FileSuppressions:
    """The suppression comments of one file, and the comment lines around them."""

    path: str
    suppressions: tuple[Suppression, ...] = ()
    malformed: tuple[int, ...] = ()
    """Lines of comments holding the marker but not ``ignore CODE…``."""
    comment_lines: frozenset[int] = frozenset()
    """Lines that hold nothing but comment (the blocks a suppression may sit in)."""

    def __bool__(self) -> bool:
        return bool(self.suppressions or self.malformed)

    def reason_for(
        self, code: str, line: int | None, statement_line: int | None = None
    ) -> str | None:
        """The shown reason when a suppression covers ``code`` at ``line``, else None.

        ``statement_line`` is the first line of the statement holding ``line``
        (a finding inside a multi-line statement may be suppressed above the
        statement).
        """
        if line is None or not self.suppressions:
            return None
        anchors = {line} if statement_line is None else {line, statement_line}
        for sup in self.suppressions:
            if code in sup.codes and any(self._covers(sup, anchor) for anchor in anchors):
                return sup.shown_reason
        return None

    def _covers(self, sup: Suppression, anchor: int) -> bool:
        if sup.line <= anchor <= sup.end_line:
            return True  # on the line itself (trailing, or a block comment reaching it)
        if not sup.own_line or sup.end_line >= anchor:
            return False
        return all(n in self.comment_lines for n in range(sup.end_line + 1, anchor))

    def problems(self, known_codes: Collection[str]) -> list[str]:
        """One line per suppression the review cannot take as written."""
        out = [
            f"line {n}: `{MARKER}` comment is not `ignore CODE reason`; it suppresses nothing"
            for n in self.malformed
        ]
        for sup in self.suppressions:
            unknown = [c for c in sup.codes if c not in known_codes]
            if unknown:
                out.append(
                    f"line {sup.line}: suppression names unknown rule code(s) "
                    f"{', '.join(unknown)}; it suppresses nothing for them"
                )
            if not sup.reason:
                out.append(
                    f"line {sup.line}: suppression of {', '.join(sup.codes)} gives no reason "
                    "(write it after the code)"
                )
        return out


def suppressions_in(path: str, content: str | bytes | None) -> FileSuppressions:
    """The suppressions of ``path`` (language chosen by its suffix).

    Files in a language without a comment lexer here (Markdown, Astro, Vue…)
    have none: their findings cannot be suppressed by a comment.
    """
    if not content:
        return FileSuppressions(path)
    if isinstance(content, bytes):
        if MARKER.encode() not in content:
            return FileSuppressions(path)
        text = content.decode("utf-8", "replace")
    elif MARKER not in content:
        return FileSuppressions(path)
    else:
        text = content
    lower = path.lower()
    comments: list[Comment]
    if lower.endswith(SQL_SUFFIXES):
        comments = sql_comments(text)
    elif lower.endswith(TS_SUFFIXES) and not lower.endswith(".d.ts"):
        comments = ts_comments(text, tsx=lower.endswith((".tsx", ".jsx")))
    elif lower.endswith(JSON_SUFFIXES):
        comments = json_comments(text)
    elif lower.endswith(HASH_SUFFIXES):
        comments = hash_comments(text)
    else:
        return FileSuppressions(path)
    return from_comments(path, comments)


def from_comments(path: str, comments: Iterable[Comment]) -> FileSuppressions:
    """Read the suppressions out of a file's comments."""
    suppressions: list[Suppression] = []
    malformed: list[int] = []
    comment_lines: set[int] = set()
    for comment in comments:
        if comment.own_line:
            comment_lines.update(range(comment.line, comment.end_line + 1))
        body = _body(comment.text)
        at = body.find(MARKER)
        if at == -1:
            continue
        parsed = _parse(body[at + len(MARKER) :])
        if parsed is None:
            malformed.append(comment.line)
            continue
        codes, reason = parsed
        suppressions.append(
            Suppression(comment.line, comment.end_line, comment.own_line, codes, reason)
        )
    return FileSuppressions(path, tuple(suppressions), tuple(malformed), frozenset(comment_lines))


def _body(comment: str) -> str:
    """The comment's words without its delimiters (``--``, ``//``, ``#``, ``/* */``, ``*``)."""
    text = comment.strip()
    if text.startswith("/*"):
        text = text[2:]
        if text.endswith("*/"):
            text = text[:-2]
        lines = [line.strip() for line in text.splitlines()]
        return " ".join(line[1:] if line.startswith("*") else line for line in lines)
    for prefix in ("--", "//", "#"):
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


def _parse(rest: str) -> tuple[tuple[str, ...], str] | None:
    """``ignore CODE[, CODE…] reason`` → (codes, reason), or None when malformed."""
    ignore = _IGNORE.match(rest)
    if ignore is None:
        return None
    codes = _CODES.match(rest, ignore.end())
    if codes is None:
        return None
    names = tuple(c.strip().upper() for c in codes.group(1).split(","))
    reason = " ".join(rest[codes.end() :].split()).lstrip(",;:-— ")
    return names, reason


def _line_prefix_blank(text: str, offset: int) -> bool:
    start = text.rfind("\n", 0, offset) + 1
    return not text[start:offset].strip()


def sql_comments(text: str) -> list[Comment]:
    """``--`` and ``/* */`` comments, from pglast's scanner (character offsets, end inclusive).

    SQL the scanner cannot read (an unterminated quote) has no comments here:
    the file's syntax error is reported on its own.
    """
    from pglast import parser as pg_parser

    try:
        tokens = pg_parser.scan(text)
    except pg_parser.ParseError:
        return []
    out: list[Comment] = []
    for tok in tokens:
        if tok.name not in ("SQL_COMMENT", "C_COMMENT"):
            continue
        body = text[tok.start : tok.end + 1]
        line = text.count("\n", 0, tok.start) + 1
        out.append(
            Comment(line, line + body.count("\n"), body, _line_prefix_blank(text, tok.start))
        )
    return out


def _tree_comments(source: bytes, tsx: bool, shift: int = 0) -> list[Comment]:
    """tree-sitter ``comment`` nodes of ``source``; ``shift`` bytes were prepended to line 1."""
    import tree_sitter as ts

    from agents.ts.parse import language

    tree = ts.Parser(language(tsx)).parse(source)
    lines = source.split(b"\n")
    out: list[Comment] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "comment":
            row, column = node.start_point
            prefix = lines[row][shift if row == 0 else 0 : column]
            out.append(
                Comment(
                    row + 1,
                    node.end_point[0] + 1,
                    (node.text or b"").decode("utf-8", "replace"),
                    not prefix.strip(),
                )
            )
            continue
        stack.extend(node.children)
    out.sort(key=lambda c: c.line)
    return out


def ts_comments(text: str, *, tsx: bool = False) -> list[Comment]:
    """``//`` and ``/* */`` comments of TypeScript/JavaScript, from tree-sitter."""
    return _tree_comments(text.encode("utf-8"), tsx)


def json_comments(text: str) -> list[Comment]:
    """Comments of a JSONC file (``deno.jsonc``): the document parsed as a JavaScript
    expression, ``(`` + text + ``)``, so tree-sitter tells strings from comments."""
    return _tree_comments(b"(" + text.encode("utf-8") + b"\n)", tsx=False, shift=1)


def hash_comments(text: str) -> list[Comment]:
    """``#`` comments of a TOML file.

    ``tomllib`` discards comments, so this is a lexer for just what decides
    where a comment starts: TOML's basic (``"…"``, with escapes), literal
    (``'…'``) and multi-line (``\"\"\"…\"\"\"``, ``'''…'''``) strings.
    """
    out: list[Comment] = []
    i, n, line = 0, len(text), 1
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif c == "#":
            end = text.find("\n", i)
            end = n if end == -1 else end
            out.append(Comment(line, line, text[i:end], _line_prefix_blank(text, i)))
            i = end
        elif text.startswith(('"""', "'''"), i):
            end = _multiline_end(text, i + 3, text[i] * 3, escapes=c == '"')
            line += text.count("\n", i, end)
            i = end
        elif c in "\"'":
            i = _string_end(text, i + 1, c, escapes=c == '"')
        else:
            i += 1
    return out


def _string_end(text: str, i: int, quote: str, *, escapes: bool) -> int:
    """Offset just past a one-line string (or at the newline ending a broken one)."""
    while i < len(text) and text[i] != "\n":
        if escapes and text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            return i + 1
        i += 1
    return i


def _multiline_end(text: str, i: int, delimiter: str, *, escapes: bool) -> int:
    """Offset just past a multi-line string (TOML allows up to two quotes before the end)."""
    while i < len(text):
        if escapes and text[i] == "\\":
            i += 2
            continue
        if text.startswith(delimiter, i):
            end = i + 3
            extra = 0
            while end < len(text) and text[end] == delimiter[0] and extra < 2:
                end += 1
                extra += 1
            return end
        i += 1
    return len(text)


def statement_lines(spans: Iterable[tuple[int, int]]) -> Callable[[int], int | None]:
    """``statement_line`` for :func:`sort_findings` from (first line, last line) spans."""
    ordered = sorted(spans)

    def first_line(line: int) -> int | None:
        for first, last in ordered:
            if first <= line <= last:
                return first
            if first > line:
                break
        return None

    return first_line


def ts_statement_line(parsed: ParsedTs) -> Callable[[int], int | None]:
    """``statement_line`` for a TypeScript file: the statement around a line's first token."""
    from agents.ts.parse import statement_of

    split: list[list[bytes]] = []  # the source's lines, split on first use

    def first_line(line: int) -> int | None:
        if not split:
            split.append(parsed.source.split(b"\n"))
        lines = split[0]
        if not 0 < line <= len(lines):
            return None
        text = lines[line - 1]
        point = (line - 1, len(text) - len(text.lstrip()))
        node = parsed.root.named_descendant_for_point_range(point, point)
        return None if node is None else statement_of(node).start_point[0] + 1

    return first_line


def sort_findings(
    found: Iterable[Finding],
    suppressions: FileSuppressions,
    outcome: RuleOutcome,
    statement_line: Callable[[int], int | None] | None = None,
) -> None:
    """Append each finding to ``outcome.findings``, or to ``outcome.suppressed`` with the
    comment's reason when a suppression covers it.

    ``statement_line(line)`` gives the first line of the statement holding
    ``line`` (None outside any); only asked when the file has suppressions.
    """
    for finding in found:
        reason: str | None = None
        if (
            suppressions
            and finding.path == suppressions.path
            and finding.rule is not None
            and finding.line is not None
        ):
            stmt = statement_line(finding.line) if statement_line is not None else None
            reason = suppressions.reason_for(finding.rule, finding.line, stmt)
        if reason is None:
            outcome.findings.append(finding)
        else:
            outcome.suppressed.append(SuppressedFinding(finding=finding, reason=reason))
