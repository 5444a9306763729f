"""Guards: what a condition proves about values in the branch it leads to.

``if (!SLUG_RE.test(slug)) return 400`` proves, after the ``if``, that
``slug`` passed a regex test; ``if (!ALLOWED.has(u.hostname)) return`` that
``u``'s host is allow-listed; ``if (!membership) return 403`` after a lookup
filtered by the verified user id and a request value, that the request value
is owned by the caller; ``if (!STAFF.has(user.app_metadata.role)) return 403``
that the caller is authorised.  A bare truthiness or ``typeof x === "string"``
test proves nothing a sink cares about.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import tree_sitter as ts

from agents.edge_reliability.flow.labels import Labels, Origin, of_kind, with_check
from agents.ts.parse import arguments, chain_calls, node_text, string_value, unwrap
from agents.ts.syntax import FUNCTION_TYPES, presence_check

if TYPE_CHECKING:
    from agents.edge_reliability.flow.engine import Interpreter
    from agents.edge_reliability.flow.state import Frame

_STRING_METHODS = frozenset(
    {"trim", "toLowerCase", "toUpperCase", "normalize", "trimStart", "trimEnd", "toString"}
)
_HOST_PARTS = frozenset({"hostname", "host", "origin"})
_VERIFIER_TEXT = re.compile(
    r"timingSafeEqual|crypto\.subtle\.verify|createHmac|hmac|constructEvent|\.verify\(|"
    r"(verify|validate|check)\w*(signature|webhook|hmac)",
    re.I,
)
_NUMBER_GUARDS = frozenset(
    {"Number.isFinite", "Number.isInteger", "Number.isSafeInteger", "isFinite"}
)


class Refiner:
    """Applies what a condition proves to a frame (see the module docstring)."""

    def __init__(self, interp: Interpreter) -> None:
        self.interp = interp

    def refine(self, cond: ts.Node | None, truthy: bool, frame: Frame, exits: bool) -> None:
        node = unwrap(cond)
        if node is None:
            return
        t = node.type
        if t == "unary_expression" and node_text(node.child_by_field_name("operator")) == "!":
            self.refine(node.child_by_field_name("argument"), not truthy, frame, exits)
            return
        if t == "await_expression":
            self.refine(
                node.named_children[0] if node.named_children else None, truthy, frame, exits
            )
            return
        if t == "binary_expression":
            op = node_text(node.child_by_field_name("operator"))
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if (op == "&&" and truthy) or (op == "||" and not truthy):
                self.refine(left, truthy, frame, exits)
                self.refine(right, truthy, frame, exits)
            elif op in ("===", "==", "!==", "!="):
                equal = truthy == (op in ("===", "=="))
                self._equality(left, right, equal, frame)
            elif op == "in" and truthy:
                self._mark(left, "allow_list", frame)
        elif t == "call_expression" and truthy:
            self._call(node, frame)
        elif t == "identifier" and truthy:
            verdict = frame.lookups.get(node_text(node))
            if verdict is not None and self._verifier(
                verdict, node_text(verdict.child_by_field_name("function"))
            ):
                self._call(verdict, frame)  # `const ok = await verify(...); if (!ok) return`
        elif (
            t == "member_expression"
            and truthy
            and node_text(node.child_by_field_name("property")) == "success"
        ):
            self._mark(node.child_by_field_name("object"), "schema", frame)
        if exits:
            self._guard(node, frame)

    # ------------------------------------------------------------- checks

    def _equality(
        self, left: ts.Node | None, right: ts.Node | None, equal: bool, frame: Frame
    ) -> None:
        for a, b in ((left, right), (right, left)):
            a_u, b_u = unwrap(a), unwrap(b)
            if a_u is None or b_u is None:
                continue
            if (
                a_u.type == "unary_expression"
                and node_text(a_u.child_by_field_name("operator")) == "typeof"
            ):
                if equal and string_value(b_u) == "number":
                    self._mark(a_u.child_by_field_name("argument"), "number", frame)
                continue
            if equal and self._secret_compare(a_u, b_u):
                frame.authorised = True  # a shared secret the caller had to know
            if equal and (string_value(b_u) is not None or b_u.type == "number"):
                if _host_part(a_u) is not None:
                    self._mark(_host_part(a_u), "host", frame)
                self._mark(a_u, "allow_list", frame)

    def _secret_compare(self, a: ts.Node, b: ts.Node) -> bool:
        """``token === Deno.env.get("CRON_SECRET")``: a request value equal to a secret."""
        labels = self.interp.labels
        sent = labels.get(a.id, frozenset())
        secret = labels.get(b.id, frozenset())
        return bool(of_kind(secret, "secret")) and bool(
            of_kind(sent, "credential", "header", "body", "query")
        )

    def _call(self, call: ts.Node, frame: Frame) -> None:
        fn = unwrap(call.child_by_field_name("function"))
        args = arguments(call)
        name = node_text(fn)
        method = (
            node_text(fn.child_by_field_name("property"))
            if fn is not None and fn.type == "member_expression"
            else name
        )
        receiver = (
            fn.child_by_field_name("object")
            if fn is not None and (fn.type == "member_expression")
            else None
        )
        if method == "test" and args:
            self._mark(args[0], "regex", frame)
        elif method in ("has", "includes") and args:
            host = _host_part(unwrap(args[0]))
            if host is not None:
                self._mark(host, "host", frame)
            self._mark(args[0], "allow_list", frame)
        elif method in ("every",) and receiver is not None and args:
            callback = unwrap(args[0])
            if callback is not None and callback.type in FUNCTION_TYPES:
                self._mark(receiver, "allow_list", frame)
        elif method in ("startsWith", "endsWith") and receiver is not None:
            host = _host_part(unwrap(receiver))
            literal = string_value(args[0]) if args else None
            if host is not None:
                self._mark(host, "host", frame)
            elif literal and "://" in literal and literal.count("/") >= 3:
                self._mark(receiver, "host", frame)
        elif name in _NUMBER_GUARDS and args:
            self._mark(args[0], "number", frame)
        elif self._verifier(call, name):
            frame.authorised = True  # the sender proved it holds the webhook secret
            for arg in args:
                self._mark(arg, "signed", frame)

    def _verifier(self, call: ts.Node, name: str) -> bool:
        """A call that checks a signature: a known verifier, or a local helper that does."""
        if _VERIFIER_TEXT.search(name + "("):
            return True
        helper = self.interp.scope.functions.get(name)
        return helper is not None and bool(_VERIFIER_TEXT.search(node_text(helper)))

    # ------------------------------------------------- authorisation / ownership

    def _guard(self, cond: ts.Node, frame: Frame) -> None:
        """After an exiting guard: identity checks authorise; lookups prove ownership."""
        labels = self.interp.labels
        identity_read = False
        owned: set[tuple[str, int, tuple[str, ...]]] = set()
        for node in _operands(cond):
            node_labels = labels.get(node.id, frozenset())
            if of_kind(node_labels, "identity") and not presence_check(node):
                identity_read = True
                owned.update(o.key() for o in node_labels if o.caller)
            name = node_text(node).split(".")[0].split("?")[0]
            lookup = frame.lookups.get(name)
            if lookup is not None:
                owned.update(self._lookup_owns(lookup))
        if identity_read:
            frame.authorised = True
            for node in _operands(cond):
                owned.update(o.key() for o in labels.get(node.id, frozenset()) if o.caller)
        if owned:
            for key, value in list(frame.env.items()):
                frame.env[key] = frozenset(_owned(o) if o.key() in owned else o for o in value)

    def _lookup_owns(self, call: ts.Node) -> set[tuple[str, int, tuple[str, ...]]]:
        """Request values a query filters on together with the verified identity."""
        facts = {c.node.id: c for c in self.interp.calls}
        caller: set[tuple[str, int, tuple[str, ...]]] = set()
        identity = False
        for link in chain_calls(call):
            fact = facts.get(link.id)
            if fact is None:
                continue
            for arg in fact.args:
                identity = identity or bool(of_kind(arg, "identity"))
                caller.update(o.key() for o in arg if o.caller)
        return caller if identity else set()

    # ------------------------------------------------------------- marking

    def _mark(self, expr: ts.Node | None, check: str, frame: Frame) -> None:
        key = _target(expr)
        if key is None:
            return
        if key in frame.env:
            frame.env[key] = with_check(frame.env[key], check)
            return
        root = key.split(".")[0]
        if "." in key and root in frame.env:
            current: Labels = self.interp.labels.get(expr.id, frozenset()) if expr else frozenset()
            frame.env[key] = with_check(current, check)


def _owned(origin: Origin) -> Origin:
    return Origin(
        origin.kind, origin.node, origin.what, origin.path, origin.checks | {"owned"}, origin.via
    )


def _target(expr: ts.Node | None) -> str | None:
    """The variable (or member path) a check applies to: ``x``, ``u.host``, ``x.trim()``→``x``."""
    node = unwrap(expr)
    while node is not None and node.type == "call_expression":
        fn = unwrap(node.child_by_field_name("function"))
        if fn is not None and fn.type == "identifier" and node_text(fn) == "String":
            args = arguments(node)
            node = unwrap(args[0]) if args else None
            continue
        if fn is None or fn.type != "member_expression":
            return None
        if node_text(fn.child_by_field_name("property")) not in _STRING_METHODS:
            return None
        node = unwrap(fn.child_by_field_name("object"))
    if node is None:
        return None
    if node.type == "identifier":
        return node_text(node)
    if node.type == "member_expression":
        parts: list[str] = []
        current: ts.Node | None = node
        while current is not None and current.type == "member_expression":
            parts.append(node_text(current.child_by_field_name("property")))
            current = unwrap(current.child_by_field_name("object"))
        if current is not None and current.type == "identifier" and len(parts) <= 3:
            return ".".join([node_text(current), *reversed(parts)])
    return None


def _host_part(node: ts.Node | None) -> ts.Node | None:
    """``u`` of ``u.hostname``/``u.host``/``u.origin`` (a URL's host being checked)."""
    if node is None or node.type != "member_expression":
        return None
    if node_text(node.child_by_field_name("property")) not in _HOST_PARTS:
        return None
    return node.child_by_field_name("object")


def _operands(cond: ts.Node) -> list[ts.Node]:
    """Identifiers and outermost member paths read by a condition (not inside callbacks)."""
    out: list[ts.Node] = []
    stack = [cond]
    while stack:
        node = stack.pop()
        if node.type in FUNCTION_TYPES:
            continue
        if node.type in ("identifier", "member_expression"):
            parent = node.parent
            if not (
                parent is not None
                and parent.type == "member_expression"
                and parent.child_by_field_name("object") == node
            ):
                out.append(node)
            if node.type == "identifier":
                continue
        stack.extend(node.named_children)
    return out
