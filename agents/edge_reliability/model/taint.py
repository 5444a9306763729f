"""Which variables of an Edge Function hold request input (body, query string, headers)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import tree_sitter as ts

from agents.edge_reliability.model.function import EdgeFunctionModel, Taint
from agents.ts.parse import arguments, callee_tail, node_text, string_value, unwrap
from agents.ts.syntax import bound_names

UNVERIFIED_DECODE = re.compile(r"(^|\.)(decode|decodeJwt|jwtDecode|jwt_decode|decodeJWT)$")


def request_reads(model: EdgeFunctionModel) -> Iterator[tuple[ts.Node, Taint]]:
    """Expressions that read request input: ``req.json()``, URL params, headers."""
    req = model.request_param
    for call in model.calls():
        name = model.name_of(call)
        if req and name in (f"{req}.json", f"{req}.formData"):
            yield call, "body"
        elif callee_tail(call).endswith(("searchParams.get", "searchParams.getAll")):
            yield call, "query"
        elif req and name == f"{req}.headers.get":
            yield call, "header"


def taint_of(model: EdgeFunctionModel, expr: ts.Node | None) -> Taint | None:
    """Where an expression's value comes from, when it is request input."""
    expr = unwrap(expr)
    if expr is None:
        return None
    if expr.type == "await_expression":
        return taint_of(model, expr.named_children[0] if expr.named_children else None)
    if expr.type in ("identifier", "shorthand_property_identifier"):
        return model.tainted.get(node_text(expr))
    if expr.type in ("member_expression", "subscript_expression"):
        return taint_of(model, expr.child_by_field_name("object"))
    if expr.type == "call_expression":
        name = model.name_of(expr)
        req = model.request_param
        if req and name in (f"{req}.json", f"{req}.formData"):
            return "body"
        if callee_tail(expr).endswith(("searchParams.get", "searchParams.getAll")):
            return "query"
        if req and name == f"{req}.headers.get":
            args = arguments(expr)
            key = (string_value(args[0]) if args else "") or ""
            if key.lower() in ("authorization", "apikey"):
                return None
            return "header"
        if req and name == f"{req}.text":
            return "body"
        if UNVERIFIED_DECODE.search(name):
            return "header"  # a JWT decoded without checking its signature
        if name == "JSON.parse":
            args = arguments(expr)
            inner = model.parsed.of_type("call_expression", within=args[0]) if args else []
            if any(model.name_of(c) == "atob" for c in inner):
                return "header"  # JSON.parse(atob(token.split(".")[1])): unverified claims
            return taint_of(model, args[0]) if args else None
        if name.endswith((".parse", ".safeParse", ".parseAsync", ".safeParseAsync")):
            args = arguments(expr)
            return taint_of(model, args[0]) if args else None
        fn = unwrap(expr.child_by_field_name("function"))
        if fn is not None and fn.type == "member_expression":
            # req.json().catch(() => ({})) keeps the body's taint
            prop = node_text(fn.child_by_field_name("property"))
            if prop in ("catch", "then", "finally"):
                return taint_of(model, fn.child_by_field_name("object"))
    return None


def collect_taint(model: EdgeFunctionModel) -> None:
    scope = model.handler or model.root
    bindings = model.parsed.of_type("variable_declarator", "assignment_expression", within=scope)
    for _ in range(3):  # a few rounds reach `const b = a.x` after `const a = await req.json()`
        before = len(model.tainted)
        for node in bindings:
            if node.type == "variable_declarator":
                target, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            elif node.type == "assignment_expression":
                target, value = node.child_by_field_name("left"), node.child_by_field_name("right")
            else:
                continue
            taint = taint_of(model, value)
            if taint is None or target is None:
                continue
            for ident in bound_names(unwrap(target)):
                model.tainted.setdefault(ident, taint)
        if len(model.tainted) == before:
            break
