"""TypeScript/JavaScript parsing with tree-sitter, and the small helpers rules share.

Rules look at syntax trees, never at raw text: a regex cannot tell a call from
a comment or a string, a tree can.  JavaScript is parsed with the TypeScript
grammar (a superset for what Edge Functions contain); ``.tsx``/``.jsx`` use the
TSX grammar.  Grammars and compiled queries are built lazily and memoised, so
importing this module does no work.

Suppression comments are read by :mod:`agents.suppression`, not here.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache

import tree_sitter as ts
import tree_sitter_typescript as tst


@lru_cache(maxsize=2)
def language(tsx: bool) -> ts.Language:
    """The TypeScript (or TSX) grammar, built once."""
    return ts.Language(tst.language_tsx() if tsx else tst.language_typescript())


@lru_cache(maxsize=256)
def compiled_query(tsx: bool, pattern: str) -> ts.Query:
    """A compiled query for one grammar (queries are grammar-specific)."""
    return ts.Query(language(tsx), pattern)


def is_tsx(path: str) -> bool:
    """Whether ``path`` holds JSX syntax (parsed with the TSX grammar)."""
    return path.endswith((".tsx", ".jsx"))


@dataclass
class ParsedTs:
    """One parsed file: its tree and source bytes."""

    path: str
    source: bytes
    tree: ts.Tree
    tsx: bool

    @property
    def root(self) -> ts.Node:
        return self.tree.root_node

    @property
    def has_error(self) -> bool:
        return self.tree.root_node.has_error

    @cached_property
    def nodes(self) -> list[ts.Node]:
        """Every node of the file in source (pre-)order, computed once.

        Rules ask many questions of the same tree; walking it once and slicing
        this list is much faster than re-walking from Python each time.
        """
        return list(_walk_cursor(self.root))

    @cached_property
    def _starts(self) -> list[int]:
        return [n.start_byte for n in self.nodes]

    @cached_property
    def _index(self) -> dict[int, int]:
        return {n.id: i for i, n in enumerate(self.nodes)}

    @cached_property
    def _by_type(self) -> dict[str, list[int]]:
        index: dict[str, list[int]] = {}
        for i, n in enumerate(self.nodes):
            index.setdefault(n.type, []).append(i)
        return index

    def _span(self, node: ts.Node) -> tuple[int, int] | None:
        """[lo, hi) positions of ``node`` and its descendants in ``nodes`` (pre-order)."""
        start = self._index.get(node.id)
        if start is None:
            return None
        return start, bisect.bisect_left(self._starts, node.end_byte, lo=start + 1)

    def subtree(self, node: ts.Node) -> list[ts.Node]:
        """``node`` and all its descendants, in source order."""
        span = self._span(node)
        if span is None:
            return list(walk(node))
        return self.nodes[span[0] : span[1]]

    def of_type(self, *types: str, within: ts.Node | None = None) -> list[ts.Node]:
        """Nodes of the given types (under ``within``, default the whole file), in source order."""
        span = self._span(within) if within is not None else (0, len(self.nodes))
        if span is None and within is not None:
            return [n for n in walk(within) if n.type in types]
        lo, hi = span or (0, len(self.nodes))
        indexes: list[int] = []
        for t in types:
            positions = self._by_type.get(t, [])
            indexes.extend(
                positions[bisect.bisect_left(positions, lo) : bisect.bisect_left(positions, hi)]
            )
        if len(types) > 1:
            indexes.sort()
        nodes = self.nodes
        return [nodes[i] for i in indexes]

    def first_error_line(self) -> int | None:
        """1-based line of the first ERROR or MISSING node, when the file does not parse."""
        for node in walk(self.root):
            if node.type == "ERROR" or node.is_missing:
                return line_of(node)
        return None

    def captures(self, pattern: str, node: ts.Node | None = None) -> dict[str, list[ts.Node]]:
        """Run a tree-sitter query under ``node`` (default: the whole file)."""
        cursor = ts.QueryCursor(compiled_query(self.tsx, pattern))
        return cursor.captures(node if node is not None else self.root)

    def matches(self, pattern: str, node: ts.Node | None = None) -> list[dict[str, list[ts.Node]]]:
        """Each match of a query as its captures (for patterns with several captures)."""
        cursor = ts.QueryCursor(compiled_query(self.tsx, pattern))
        return [caps for _, caps in cursor.matches(node if node is not None else self.root)]


def parse_ts(path: str, text: str) -> ParsedTs:
    """Parse ``text``; never raises (syntax errors show as ``has_error``)."""
    tsx = is_tsx(path)
    source = text.encode("utf-8")
    tree = ts.Parser(language(tsx)).parse(source)
    return ParsedTs(path=path, source=source, tree=tree, tsx=tsx)


def _walk_cursor(node: ts.Node) -> Iterator[ts.Node]:
    """Pre-order traversal with a TreeCursor (faster than ``children`` lists)."""
    cursor = node.walk()
    while True:
        current = cursor.node
        if current is not None:
            yield current
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def walk(node: ts.Node) -> Iterator[ts.Node]:
    """Every node under ``node`` (itself included), depth first, in source order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def node_text(node: ts.Node | None) -> str:
    """The source text of ``node`` ('' for None)."""
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", "replace")


def line_of(node: ts.Node) -> int:
    """1-based line where ``node`` starts."""
    return node.start_point[0] + 1


def string_value(node: ts.Node | None) -> str | None:
    """The value of a string literal or a template string without substitutions."""
    if node is None:
        return None
    if node.type == "string":
        return "".join(node_text(c) for c in node.named_children)
    if node.type == "template_string" and not any(
        c.type == "template_substitution" for c in node.named_children
    ):
        return node_text(node)[1:-1]
    return None


def unwrap(node: ts.Node | None) -> ts.Node | None:
    """Strip parentheses, ``as``/``satisfies`` casts and non-null assertions."""
    while node is not None and node.type in (
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "type_assertion",
    ):
        node = node.named_children[0] if node.named_children else None
    return node


def enclosing(node: ts.Node, *types: str) -> ts.Node | None:
    """The nearest ancestor of one of ``types``."""
    current = node.parent
    while current is not None:
        if current.type in types:
            return current
        current = current.parent
    return None


def statement_of(node: ts.Node) -> ts.Node:
    """The statement that contains ``node`` (suppression comments may sit above it)."""
    current: ts.Node | None = node
    while current is not None:
        if current.type.endswith(("_statement", "_declaration")) or current.type == "pair":
            return current
        current = current.parent
    return node


_SIMPLE_CALLEE = re.compile(rb"[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*")
_SPACE = re.compile(rb"\s+")


def call_name(call: ts.Node) -> str:
    """Dotted name of a call's callee (``supabase.from``, ``fetch``), '' when computed."""
    fn = call.child_by_field_name("function")
    raw = fn.text if fn is not None else None
    if raw is not None and _SIMPLE_CALLEE.fullmatch(raw):
        # fast path: a plain identifier/member chain (the common case)
        return _SPACE.sub(b"", raw).decode("utf-8", "replace")
    return dotted(fn)


def callee_tail(call: ts.Node) -> str:
    """The member names of a call's callee, even behind a computed object.

    ``new URL(req.url).searchParams.get(...)`` gives ``searchParams.get`` where
    ``call_name`` gives ''.
    """
    names: list[str] = []
    current = unwrap(call.child_by_field_name("function"))
    while current is not None and current.type == "member_expression":
        names.append(node_text(current.child_by_field_name("property")))
        current = unwrap(current.child_by_field_name("object"))
    if current is not None and current.type == "identifier":
        names.append(node_text(current))
    return ".".join(reversed(names))


def dotted(node: ts.Node | None) -> str:
    """``a.b.c`` for identifiers and member chains, '' otherwise."""
    node = unwrap(node)
    if node is None:
        return ""
    if node.type in ("identifier", "this", "property_identifier"):
        return node_text(node)
    if node.type == "member_expression":
        obj = dotted(node.child_by_field_name("object"))
        prop = node_text(node.child_by_field_name("property"))
        return f"{obj}.{prop}" if obj else ""
    return ""


def arguments(call: ts.Node) -> list[ts.Node]:
    """The argument expressions of a call or ``new`` expression."""
    args = call.child_by_field_name("arguments")
    if args is None:
        return []
    return [a for a in args.named_children if a.type != "comment"]


def object_property(obj: ts.Node | None, key: str) -> ts.Node | None:
    """The value of ``key`` in an object literal (``{ key: v }`` or shorthand ``{ key }``)."""
    obj = unwrap(obj)
    if obj is None or obj.type != "object":
        return None
    for child in obj.named_children:
        if child.type == "pair":
            k = child.child_by_field_name("key")
            name = string_value(k) if k is not None and k.type == "string" else node_text(k)
            if name == key:
                return child.child_by_field_name("value")
        elif child.type == "shorthand_property_identifier" and node_text(child) == key:
            return child
    return None


def has_spread(obj: ts.Node | None) -> bool:
    """Whether an object literal spreads another object (its keys are then unknown)."""
    obj = unwrap(obj)
    return obj is not None and any(c.type == "spread_element" for c in obj.named_children)


def chain_calls(node: ts.Node) -> list[ts.Node]:
    """The calls of a method chain from the outermost inwards.

    ``admin.from("t").select("id").eq("a", b)`` gives the ``eq``, ``select`` and
    ``from`` calls.
    """
    calls: list[ts.Node] = []
    current: ts.Node | None = unwrap(node)
    while current is not None:
        if current.type == "call_expression":
            calls.append(current)
            current = unwrap(current.child_by_field_name("function"))
        elif current.type == "member_expression":
            current = unwrap(current.child_by_field_name("object"))
        elif current.type == "await_expression":
            current = unwrap(current.named_children[0] if current.named_children else None)
        else:
            break
    return calls


def chain_root(node: ts.Node) -> ts.Node | None:
    """The identifier a method chain starts from (``admin`` in ``admin.from(..).insert(..)``)."""
    current: ts.Node | None = unwrap(node)
    while current is not None:
        if current.type == "call_expression":
            current = unwrap(current.child_by_field_name("function"))
        elif current.type == "member_expression":
            current = unwrap(current.child_by_field_name("object"))
        elif current.type in ("identifier", "this"):
            return current
        else:
            return None
    return None


def chain_methods(node: ts.Node) -> list[str]:
    """Method names along a chain, innermost first (``["from", "insert", "select"]``)."""
    names: list[str] = []
    current: ts.Node | None = unwrap(node)
    while current is not None:
        if current.type == "call_expression":
            current = unwrap(current.child_by_field_name("function"))
        elif current.type == "member_expression":
            names.append(node_text(current.child_by_field_name("property")))
            current = unwrap(current.child_by_field_name("object"))
        else:
            break
    names.reverse()
    return names
