"""The interpreter: walk a handler statement by statement and give expressions their origins.

Flow-sensitive within one function (an ``if (!RE.test(x)) return`` guard
changes ``x`` for the statements after it; branches are merged), with one
level of calls into same-file and ``_shared`` helpers evaluated at the call
site with the arguments' origins (so a helper's sources, returns and sinks
are seen as this call's).  Loops run their body twice, which reaches the
fixed point for the chains of assignments real handlers have.  Everything
else is deliberately simple: object literals are the union of their
properties, arrays of their elements; an unknown function's result carries
its arguments' origins (over-approximation), a method's result its
receiver's.

Why one module of about 500 lines: statements and expressions recurse into
each other at every step (a callback is a function inside an expression, a
helper call interprets the helper's statements, a guard refines the frame),
so the interpreter is one class with one dispatch per node kind; its state
(:mod:`.state`), label operations (:mod:`.labels`), the meaning of calls
(:mod:`.policy`) and of guards (:mod:`.refine`) already live elsewhere.
"""

from __future__ import annotations

import tree_sitter as ts

from agents.edge_reliability.flow.labels import (
    EMPTY,
    Labels,
    of_kind,
    query_result,
    reanchor,
    union,
    with_check,
    with_field,
)
from agents.edge_reliability.flow.policy import call_labels, member_labels
from agents.edge_reliability.flow.refine import Refiner
from agents.edge_reliability.flow.state import CallFact, Frame, Level, Scope, join_envs
from agents.ts.parse import (
    arguments,
    call_name,
    node_text,
    string_value,
    unwrap,
)
from agents.ts.syntax import (
    FUNCTION_TYPES,
    always_exits,
    awaited_call,
    bound_names,
    dotted_key,
    flatten_plus,
    function_body,
    root_identifier,
)

MAX_DEPTH = 2
"""Helper calls followed from the handler (the issue asks for one level; two is cheap)."""


class Interpreter:
    """Interprets a handler (and the helpers it calls) and records labels and calls."""

    def __init__(self, scope: Scope) -> None:
        self.root = scope
        self.labels: dict[int, Labels] = {}
        self.calls: list[CallFact] = []
        self.guards: list[tuple[ts.Node, bool]] = []
        """(condition, whether the guarded branch exits) for every ``if`` in the handler."""
        self._module_cache: dict[tuple[str, str], Labels] = {}
        self._stack: list[Level] = []
        self.refiner = Refiner(self)

    # ------------------------------------------------------------------ entry

    def run(self, fn: ts.Node, params: list[Labels]) -> Labels:
        """Interpret ``fn`` (in the root scope) with ``params`` bound to its parameters."""
        self._stack = [Level(self.root, fn, "", None)]
        frame = Frame(env={})
        self._bind_params(fn, params, frame)
        return self._function(fn, frame)

    @property
    def scope(self) -> Scope:
        return self._stack[-1].scope

    def _function(self, fn: ts.Node, frame: Frame) -> Labels:
        body = function_body(fn)
        if body is None:
            return EMPTY
        if body.type == "statement_block":
            self.block(body, frame)
        else:
            frame.returns.update(self.expr(body, frame))
        return frozenset(frame.returns)

    def _bind_params(self, fn: ts.Node, values: list[Labels], frame: Frame) -> None:
        params = fn.child_by_field_name("parameters")
        nodes = (
            [p for p in params.named_children if p.type != "comment"]
            if params is not None
            else [fn.child_by_field_name("parameter")]
        )
        for index, param in enumerate(nodes):
            if param is None:
                continue
            pattern = param.child_by_field_name("pattern") or param
            value = values[index] if index < len(values) else EMPTY
            default = param.child_by_field_name("value")
            if default is not None:
                value = union(value, self.expr(default, frame))
            self.bind(pattern, value, frame)

    # ------------------------------------------------------------- statements

    def block(self, block: ts.Node, frame: Frame) -> None:
        for stmt in block.named_children:
            self.stmt(stmt, frame)

    def stmt(self, node: ts.Node, frame: Frame) -> None:
        t = node.type
        if t in ("lexical_declaration", "variable_declaration"):
            for decl in node.named_children:
                if decl.type == "variable_declarator":
                    value = decl.child_by_field_name("value")
                    labels = self.expr(value, frame) if value is not None else EMPTY
                    target = decl.child_by_field_name("name")
                    self.bind(target, labels, frame)
                    call = awaited_call(value)
                    if call is not None:
                        for name in bound_names(unwrap(target)):
                            frame.lookups[name] = call
        elif t == "expression_statement":
            for child in node.named_children:
                self.expr(child, frame)
        elif t == "statement_block":
            self.block(node, frame)
        elif t == "if_statement":
            self._if(node, frame)
        elif t == "return_statement":
            for child in node.named_children:
                frame.returns.update(self.expr(child, frame))
        elif t == "throw_statement":
            for child in node.named_children:
                self.expr(child, frame)
        elif t == "try_statement":
            self._try(node, frame)
        elif t in ("for_in_statement", "for_statement", "while_statement", "do_statement"):
            self._loop(node, frame)
        elif t == "switch_statement":
            self._switch(node, frame)
        elif t in ("function_declaration", "class_declaration", "comment", "empty_statement"):
            return
        elif t == "labeled_statement":
            body = node.child_by_field_name("body")
            if body is not None:
                self.stmt(body, frame)
        else:
            for child in node.named_children:
                if child.type.endswith("_statement") or child.type == "statement_block":
                    self.stmt(child, frame)
                else:
                    self.expr(child, frame)

    def _if(self, node: ts.Node, frame: Frame) -> None:
        cond = node.child_by_field_name("condition")
        cons = node.child_by_field_name("consequence")
        alt = node.child_by_field_name("alternative")
        if cond is not None:
            self.expr(cond, frame)
        exits = cons is not None and always_exits(cons)
        if cond is not None and len(self._stack) == 1:
            self.guards.append((cond, exits))
        then = frame.branch()
        if cond is not None:
            self.refiner.refine(cond, True, then, exits=False)
        if cons is not None:
            self.stmt(cons, then)
        other = frame.branch()
        if cond is not None:
            self.refiner.refine(cond, False, other, exits=exits)
        if alt is not None:
            for child in alt.named_children:
                self.stmt(child, other)
        alt_exits = alt is not None and always_exits(alt)
        if exits and not alt_exits:
            frame.env, frame.authorised = other.env, other.authorised
        elif alt_exits and not exits:
            frame.env, frame.authorised = then.env, then.authorised
        else:
            frame.env = join_envs(then.env, other.env)
            frame.authorised = then.authorised and other.authorised

    def _try(self, node: ts.Node, frame: Frame) -> None:
        body = node.child_by_field_name("body")
        before = dict(frame.env)
        if body is not None:
            self.block(body, frame)
        handler = node.child_by_field_name("handler")
        if handler is not None:
            catch = frame.branch()
            catch.env = join_envs(before, frame.env)
            param = handler.child_by_field_name("parameter")
            if param is not None:
                self.bind(param, EMPTY, catch)
            inner = handler.child_by_field_name("body")
            if inner is not None:
                self.block(inner, catch)
            if not always_exits(inner):
                frame.env = join_envs(frame.env, catch.env)
        final = node.child_by_field_name("finalizer")
        if final is not None:
            for child in final.named_children:
                self.stmt(child, frame)

    def _loop(self, node: ts.Node, frame: Frame) -> None:
        body = node.child_by_field_name("body")
        for _ in range(2):
            if node.type == "for_in_statement":
                right = node.child_by_field_name("right")
                items = self.expr(right, frame) if right is not None else EMPTY
                self.bind(node.child_by_field_name("left"), items, frame)
            for part in ("initializer", "condition", "increment"):
                child = node.child_by_field_name(part)
                if child is not None:
                    if child.type.endswith(("_declaration", "_statement")):
                        self.stmt(child, frame)
                    else:
                        self.expr(child, frame)
            if body is not None:
                self.stmt(body, frame)

    def _switch(self, node: ts.Node, frame: Frame) -> None:
        value = node.child_by_field_name("value")
        if value is not None:
            self.expr(value, frame)
        body = node.child_by_field_name("body")
        envs = [frame.env]
        for case in body.named_children if body is not None else []:
            branch = frame.branch()
            for child in case.named_children:
                if child == case.child_by_field_name("value"):
                    self.expr(child, branch)
                elif child.type.endswith(("_statement", "_declaration")):
                    self.stmt(child, branch)
            envs.append(branch.env)
        merged: dict[str, Labels] = {}
        for env in envs:
            merged = join_envs(merged, env) if merged else dict(env)
        frame.env = merged

    # ---------------------------------------------------------------- binding

    def bind(self, pattern: ts.Node | None, labels: Labels, frame: Frame) -> None:
        """Bind a declaration/assignment target (identifier or destructuring) to ``labels``."""
        pattern = unwrap(pattern)
        if pattern is None:
            return
        t = pattern.type
        if t in ("identifier", "shorthand_property_identifier_pattern"):
            frame.env[node_text(pattern)] = labels
        elif t == "object_pattern":
            for child in pattern.named_children:
                if child.type == "shorthand_property_identifier_pattern":
                    frame.env[node_text(child)] = with_field(labels, node_text(child))
                elif child.type == "pair_pattern":
                    key = child.child_by_field_name("key")
                    name = string_value(key) or node_text(key)
                    self.bind(child.child_by_field_name("value"), with_field(labels, name), frame)
                elif child.type == "object_assignment_pattern":
                    left = child.child_by_field_name("left")
                    right = child.child_by_field_name("right")
                    extra = self.expr(right, frame) if right is not None else EMPTY
                    name = node_text(left)
                    if left is not None and left.type == "shorthand_property_identifier_pattern":
                        frame.env[name] = union(with_field(labels, name), extra)
                    else:
                        self.bind(left, union(labels, extra), frame)
                elif child.type == "rest_pattern":
                    self.bind(
                        child.named_children[0] if child.named_children else None, labels, frame
                    )
        elif t == "array_pattern":
            for child in pattern.named_children:
                self.bind(child, labels, frame)
        elif t in ("assignment_pattern",):
            left = pattern.child_by_field_name("left")
            right = pattern.child_by_field_name("right")
            extra = self.expr(right, frame) if right is not None else EMPTY
            self.bind(left, union(labels, extra), frame)
        elif t == "rest_pattern":
            self.bind(pattern.named_children[0] if pattern.named_children else None, labels, frame)
        elif t in ("member_expression", "subscript_expression"):
            root = root_identifier(pattern)
            if root is not None and root in frame.env:
                frame.env[root] = union(frame.env[root], labels)

    # ------------------------------------------------------------ expressions

    def expr(self, node: ts.Node | None, frame: Frame) -> Labels:
        if node is None:
            return EMPTY
        labels = self._expr(node, frame)
        if self._stack[-1].scope is self.root:
            self.labels[node.id] = labels
        return labels

    def _expr(self, node: ts.Node, frame: Frame) -> Labels:
        t = node.type
        if t in (
            "parenthesized_expression",
            "as_expression",
            "satisfies_expression",
            "non_null_expression",
            "type_assertion",
            "await_expression",
            "spread_element",
        ):
            inner = node.named_children[0] if node.named_children else None
            return self.expr(inner, frame)
        if t in ("identifier", "shorthand_property_identifier"):
            return self._identifier(node_text(node), frame)
        if t == "member_expression":
            return self._member(node, frame)
        if t == "subscript_expression":
            index = node.child_by_field_name("index")
            if index is not None:
                self.expr(index, frame)
            obj = self.expr(node.child_by_field_name("object"), frame)
            key = string_value(index) if index is not None else None
            return with_field(obj, key) if key else obj
        if t == "call_expression":
            return self._call(node, frame)
        if t == "new_expression":
            args = [self.expr(a, frame) for a in arguments(node)]
            ctor = node_text(node.child_by_field_name("constructor"))
            if ctor == "URL" and args and any(o.kind == "url" for o in args[0]):
                return frozenset(o for o in args[0] if o.kind == "url")
            return union(*args)
        if t == "template_string":
            return self._concat(node.named_children, frame)
        if t == "binary_expression":
            return self._binary(node, frame)
        if t == "unary_expression":
            operand = self.expr(node.child_by_field_name("argument"), frame)
            op = node_text(node.child_by_field_name("operator"))
            return with_check(operand, "boolean" if op in ("!", "typeof") else "number")
        if t == "ternary_expression":
            self.expr(node.child_by_field_name("condition"), frame)
            return union(
                self.expr(node.child_by_field_name("consequence"), frame),
                self.expr(node.child_by_field_name("alternative"), frame),
            )
        if t == "assignment_expression" or t == "augmented_assignment_expression":
            right = self.expr(node.child_by_field_name("right"), frame)
            left = node.child_by_field_name("left")
            if t == "augmented_assignment_expression":
                right = union(right, self.expr(left, frame))
            self.bind(left, right, frame)
            return right
        if t in ("object", "array"):
            parts: list[Labels] = []
            for child in node.named_children:
                if child.type == "pair":
                    parts.append(self.expr(child.child_by_field_name("value"), frame))
                elif child.type == "method_definition":
                    continue
                else:
                    parts.append(self.expr(child, frame))
            return union(*parts)
        if t in FUNCTION_TYPES:
            return EMPTY  # callbacks are interpreted where they are called
        if t in ("sequence_expression",):
            out = EMPTY
            for child in node.named_children:
                out = self.expr(child, frame)
            return out
        if t == "update_expression":
            return with_check(self.expr(node.named_children[0], frame), "number")
        return EMPTY

    def _identifier(self, name: str, frame: Frame) -> Labels:
        if name in frame.env:
            return frame.env[name]
        scope = self.scope
        if name in scope.clients:
            return scope.clients[name]
        value = scope.values.get(name)
        if value is None:
            return EMPTY
        key = (scope.parsed.path, name)
        if key not in self._module_cache:
            self._module_cache[key] = EMPTY  # cycles
            self._module_cache[key] = self.expr(value, Frame(env={}))
        return self._module_cache[key]

    def _member(self, node: ts.Node, frame: Frame) -> Labels:
        dotted = dotted_key(node)
        if dotted is not None and dotted in frame.env:
            return frame.env[dotted]
        obj = self.expr(node.child_by_field_name("object"), frame)
        prop = node_text(node.child_by_field_name("property"))
        if prop == "length":
            return with_check(obj, "number")
        return member_labels(obj, prop)

    def _binary(self, node: ts.Node, frame: Frame) -> Labels:
        op = node_text(node.child_by_field_name("operator"))
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if op == "+":
            return self._concat(flatten_plus(node), frame)
        a, b = self.expr(left, frame), self.expr(right, frame)
        if op in ("??", "||", "&&"):
            return union(a, b)
        if op in ("===", "!==", "==", "!=", "<", ">", "<=", ">=", "in", "instanceof"):
            return with_check(union(a, b), "boolean")
        return with_check(union(a, b), "number")

    def _concat(self, parts: list[ts.Node], frame: Frame) -> Labels:
        """A string built from ``parts``; caller values after a fixed host cannot pick it."""
        text = ""
        host_fixed = False
        seen_value = False
        out: list[Labels] = []
        for part in parts:
            if part.type in ("string_fragment", "string", "escape_sequence"):
                literal = string_value(part) if part.type == "string" else node_text(part)
                text += literal or ""
                if (
                    ("://" in text and any(c in text.split("://", 1)[1] for c in "/?#"))
                    or (seen_value and any(c in (literal or "") for c in "/?#"))
                    or text.startswith("/")
                ):
                    host_fixed = True
                continue
            inner = part.named_children[0] if part.type == "template_substitution" else part
            if inner is None:
                continue
            labels = self.expr(inner, frame)
            if host_fixed:
                labels = with_check(labels, "host_fixed")
            elif not any(o.caller for o in labels):
                seen_value = True
            out.append(labels)
        return union(*out)

    # ------------------------------------------------------------------ calls

    def _call(self, node: ts.Node, frame: Frame) -> Labels:
        fn = unwrap(node.child_by_field_name("function"))
        name = call_name(node)
        if fn is not None and fn.type == "await_expression" and fn.named_children:
            # `await helper<T>(x)` parses as a call of `await helper`
            fn = unwrap(fn.named_children[0])
            name = node_text(fn) if fn is not None and fn.type == "identifier" else name
        receiver: Labels | None = None
        method = ""
        if fn is not None and fn.type == "member_expression":
            receiver = self.expr(fn.child_by_field_name("object"), frame)
            method = node_text(fn.child_by_field_name("property"))
        elif fn is not None and fn.type not in ("identifier",):
            self.expr(fn, frame)
        arg_nodes = arguments(node)
        if fn is not None and fn.type in ("identifier", "member_expression") and not arg_nodes:
            args: list[Labels] = []
        else:
            args = [self.expr(a, frame) for a in arg_nodes]
        self._callbacks(arg_nodes, receiver, frame)
        result = self.scope.client_calls.get(node.id)
        if result is None:
            result = call_labels(node, name, method, receiver, args, arg_nodes)
        helper = self._helper(fn, name)
        if result is None and helper is not None and len(self._stack) <= MAX_DEPTH:
            result = self._inline(node, helper, name, args)
        self._record(node, name, receiver or EMPTY, args, frame)
        if result is not None:
            return result
        if receiver is not None and of_kind(receiver, "client"):
            return query_result(receiver, args)
        if receiver is not None:
            if method in ("map", "filter", "slice", "find", "at", "flat", "sort", "reverse"):
                return receiver
            return (
                union(receiver, *args)
                if method in ("concat", "replace", "replaceAll")
                else (receiver)
            )
        return union(*args)

    def _callbacks(self, arg_nodes: list[ts.Node], receiver: Labels | None, frame: Frame) -> None:
        """Interpret callbacks passed to a call, their first parameter bound to the receiver."""
        for arg in arg_nodes:
            fn = unwrap(arg)
            if fn is None or fn.type not in FUNCTION_TYPES:
                continue
            inner = Frame(dict(frame.env), set(), frame.authorised, frame.lookups)
            self._bind_params(fn, [receiver or EMPTY], inner)
            self._function(fn, inner)

    def _helper(self, fn: ts.Node | None, name: str) -> tuple[Scope, ts.Node] | None:
        if fn is None or fn.type != "identifier":
            return None
        scope = self.scope
        local = scope.functions.get(name)
        if local is not None:
            return scope, local
        return scope.imported(name)

    def _inline(
        self, node: ts.Node, helper: tuple[Scope, ts.Node], name: str, args: list[Labels]
    ) -> Labels:
        scope, fn = helper
        if any(fn == level.fn for level in self._stack):
            return union(*args)  # recursion
        via = self._stack[-1].via or f"`{name}()`"
        call = self._stack[-1].call or node
        self._stack.append(Level(scope, fn, via, call))
        try:
            frame = Frame(env={})
            self._bind_params(fn, args, frame)
            returned = self._function(fn, frame)
        finally:
            self._stack.pop()
        if scope is not self.root:
            returned = reanchor(returned, node, via)
        return returned

    def _record(
        self, node: ts.Node, name: str, receiver: Labels, args: list[Labels], frame: Frame
    ) -> None:
        level = self._stack[-1]
        anchor = level.call if level.call is not None else node
        self.calls.append(CallFact(node, name, receiver, args, anchor, level.via, frame.authorised))
