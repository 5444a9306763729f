"""Generic TypeScript facts about functions and declarations, on the tree-sitter tree.

Nothing here knows about Supabase, Deno or HTTP: which nodes are functions,
what a function returns, which names a destructuring pattern binds, which
values a file declares.  The Edge Function model
(:mod:`agents.edge_reliability.model`) and the data-flow layer build on these.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import tree_sitter as ts

from agents.ts.parse import ParsedTs, node_text, parse_ts, unwrap, walk

FUNCTION_TYPES = frozenset(
    {
        "function_declaration",
        "function_expression",
        "arrow_function",
        "method_definition",
        "generator_function_declaration",
        "generator_function",
    }
)
_NULLISH = frozenset({"null", "undefined"})
_EXITS = ("return_statement", "throw_statement")


@dataclass(frozen=True)
class Declarations:
    """What a file declares, by name (first declaration wins, as rules have always read it)."""

    values: dict[str, ts.Node]
    """Initialisers of variables (``const x = <value>``)."""
    functions: dict[str, ts.Node]
    """Function declarations and ``const f = () => …`` function values."""


def declarations(parsed: ParsedTs) -> Declarations:
    """The variables and functions ``parsed`` declares, anywhere in the file."""
    values: dict[str, ts.Node] = {}
    functions: dict[str, ts.Node] = {}
    for node in parsed.of_type(
        "variable_declarator", "function_declaration", "generator_function_declaration"
    ):
        if node.type == "variable_declarator":
            target = node.child_by_field_name("name")
            value = node.child_by_field_name("value")
            if target is not None and target.type == "identifier" and value is not None:
                name = node_text(target)
                values.setdefault(name, value)
                inner = unwrap(value)
                if inner is not None and inner.type in FUNCTION_TYPES:
                    functions.setdefault(name, inner)
        else:
            ident = node.child_by_field_name("name")
            if ident is not None:
                functions.setdefault(node_text(ident), node)
    return Declarations(values, functions)


def is_module_scope(node: ts.Node) -> bool:
    """Whether ``node`` runs at module load (not inside any function)."""
    current = node.parent
    while current is not None:
        if current.type in FUNCTION_TYPES:
            return False
        current = current.parent
    return True


def enclosing_function(node: ts.Node) -> ts.Node | None:
    """The nearest function around ``node`` (None at module scope)."""
    current = node.parent
    while current is not None:
        if current.type in FUNCTION_TYPES:
            return current
        current = current.parent
    return None


def is_async_function(node: ts.Node) -> bool:
    return any(c.type == "async" for c in node.children)


def function_body(fn: ts.Node) -> ts.Node | None:
    return fn.child_by_field_name("body")


def returned_expressions(fn: ts.Node) -> list[ts.Node]:
    """The expressions ``fn`` returns (its body, for an expression-bodied arrow)."""
    body = function_body(fn)
    if body is None:
        return []
    if body.type != "statement_block":
        return [body]
    found: list[ts.Node] = []
    for node in walk(body):
        if node.type == "return_statement" and node.named_children:
            owner = node.parent
            while owner is not None and owner.type not in FUNCTION_TYPES:
                owner = owner.parent
            if owner == fn:
                found.append(node.named_children[0])
    return found


def bind_arguments(fn: ts.Node, args: list[ts.Node]) -> dict[str, ts.Node | None]:
    """Parameter name → the argument passed (or its default value)."""
    bindings: dict[str, ts.Node | None] = {}
    params = fn.child_by_field_name("parameters")
    if params is None:
        return bindings
    for index, param in enumerate(params.named_children):
        pattern = param.child_by_field_name("pattern")
        if pattern is None or pattern.type != "identifier":
            continue
        arg = args[index] if index < len(args) else param.child_by_field_name("value")
        bindings[node_text(pattern)] = arg
    return bindings


def bound_names(pattern: ts.Node | None) -> list[str]:
    """Names a declaration target binds (``x``, ``{ a, b: c }``, ``[d, ...e]``)."""
    if pattern is None:
        return []
    if pattern.type == "identifier":
        return [node_text(pattern)]
    names: list[str] = []
    for node in walk(pattern):
        if node.type in ("shorthand_property_identifier_pattern", "shorthand_property_identifier"):
            names.append(node_text(node))
        elif node.type == "pair_pattern":
            value = node.child_by_field_name("value")
            if value is not None and value.type == "identifier":
                names.append(node_text(value))
        elif (
            node.type == "identifier"
            and node.parent is not None
            and node.parent.type in ("array_pattern", "assignment_pattern", "rest_pattern")
        ):
            names.append(node_text(node))
    return names


def presence_check(use: ts.Node) -> bool:
    """``!x``, ``x == null``, ``if (x)``, ``x ? … : …``: a test of presence, not of content."""
    node = use
    parent = node.parent
    while parent is not None and parent.type in ("parenthesized_expression", "non_null_expression"):
        node, parent = parent, parent.parent
    if parent is None:
        return False
    operator = node_text(parent.child_by_field_name("operator"))
    if parent.type == "unary_expression" and operator == "!":
        return True
    if parent.type == "binary_expression":
        if operator in ("&&", "||"):
            return True
        if operator in ("===", "!==", "==", "!="):
            other = parent.child_by_field_name("right")
            if other is not None and other.start_byte == node.start_byte:
                other = parent.child_by_field_name("left")
            return other is not None and (other.type in _NULLISH or node_text(other) in _NULLISH)
        return False
    if parent.type in ("if_statement", "while_statement"):
        return True
    return parent.type == "ternary_expression" and parent.child_by_field_name("condition") == node


@lru_cache(maxsize=64)
def async_function_names(path: str, text: str) -> frozenset[str]:
    """Names of ``async`` functions a module declares (exported or not).

    Memoised on (path, text): every function importing the same shared module
    would otherwise parse it again.
    """
    parsed = parse_ts(path, text)
    names: set[str] = set()
    for fn in parsed.of_type("function_declaration"):
        ident = fn.child_by_field_name("name")
        if ident is not None and is_async_function(fn):
            names.add(node_text(ident))
    for decl in parsed.of_type("variable_declarator"):
        ident = decl.child_by_field_name("name")
        value = unwrap(decl.child_by_field_name("value"))
        if (
            ident is not None
            and value is not None
            and value.type in FUNCTION_TYPES
            and is_async_function(value)
        ):
            names.add(node_text(ident))
    return frozenset(names)


def always_exits(node: ts.Node | None) -> bool:
    if node is None:
        return False
    if node.type in _EXITS:
        return True
    if node.type == "statement_block":
        return any(always_exits(child) for child in node.named_children)
    if node.type == "if_statement":
        alt = node.child_by_field_name("alternative")
        return (
            always_exits(node.child_by_field_name("consequence"))
            and alt is not None
            and any(always_exits(c) for c in alt.named_children)
        )
    return False


def awaited_call(value: ts.Node | None) -> ts.Node | None:
    node = unwrap(value)
    while node is not None and node.type == "await_expression":
        node = unwrap(node.named_children[0] if node.named_children else None)
    return node if node is not None and node.type == "call_expression" else None


def flatten_plus(node: ts.Node) -> list[ts.Node]:
    node_u = unwrap(node)
    if (
        node_u is not None
        and node_u.type == "binary_expression"
        and node_text(node_u.child_by_field_name("operator")) == "+"
    ):
        left, right = node_u.child_by_field_name("left"), node_u.child_by_field_name("right")
        return flatten_plus(left) + flatten_plus(right) if left and right else [node_u]
    return [node] if node_u is None else [node_u]


def root_identifier(node: ts.Node) -> str | None:
    current: ts.Node | None = node
    while current is not None and current.type in ("member_expression", "subscript_expression"):
        current = unwrap(current.child_by_field_name("object"))
    return node_text(current) if current is not None and current.type == "identifier" else None


def dotted_key(node: ts.Node) -> str | None:
    """``a.b`` for a member path rooted at an identifier (guards refine such paths)."""
    parts: list[str] = []
    current: ts.Node | None = node
    while current is not None and current.type == "member_expression":
        parts.append(node_text(current.child_by_field_name("property")))
        current = unwrap(current.child_by_field_name("object"))
    if current is None or current.type != "identifier" or len(parts) > 3:
        return None
    return ".".join([node_text(current), *reversed(parts)])
