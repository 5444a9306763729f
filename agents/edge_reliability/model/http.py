"""HTTP in and out of an Edge Function: ``Response`` sites, their status, outbound ``fetch``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import tree_sitter as ts

from agents.edge_reliability.model.function import EdgeFunctionModel
from agents.ts.parse import arguments, has_spread, node_text, object_property, unwrap, walk
from agents.ts.syntax import bind_arguments, returned_expressions

RESPONSE_FACTORIES = ("Response.json", "Response.error")


@dataclass(frozen=True)
class ResponseSite:
    """A ``new Response(...)`` or ``Response.json(...)`` expression."""

    node: ts.Node
    body: ts.Node | None
    init: ts.Node | None


def responses(model: EdgeFunctionModel, node: ts.Node | None = None) -> list[ResponseSite]:
    """``new Response(...)`` and ``Response.json(...)`` under ``node``."""
    sites: list[ResponseSite] = []
    for n in model.parsed.of_type("new_expression", "call_expression", within=node):
        is_new = n.type == "new_expression" and (
            node_text(n.child_by_field_name("constructor")) == "Response"
        )
        is_static = n.type == "call_expression" and model.name_of(n) in RESPONSE_FACTORIES
        if is_new or is_static:
            args = arguments(n)
            sites.append(
                ResponseSite(n, args[0] if args else None, args[1] if len(args) > 1 else None)
            )
    return sites


def response_status(model: EdgeFunctionModel, expr: ts.Node | None, depth: int = 0) -> int | None:
    """The HTTP status an expression answers with, when it is a response we can read."""
    expr = unwrap(expr)
    if expr is None or depth > 3:
        return None
    if expr.type == "await_expression":
        return response_status(model, expr.named_children[0], depth + 1)
    for site in responses(model, expr):
        if site.node == expr:
            return _status_of(site.init, {})
    if expr.type == "call_expression":
        fn = model.local_functions.get(model.name_of(expr))
        if fn is None:
            return None
        bindings = bind_arguments(fn, arguments(expr))
        for returned in returned_expressions(fn):
            ret = unwrap(returned)
            if ret is None:
                continue
            for site in responses(model, ret):
                if site.node == ret:
                    return _status_of(site.init, bindings)
            nested = response_status(model, ret, depth + 1)
            if nested is not None:
                return nested
    return None


def echoes_first_argument(model: EdgeFunctionModel, fn: ts.Node) -> bool:
    """Whether ``fn`` builds a Response whose body uses its first parameter.

    ``json(body, status)`` does; ``handleError(err)`` answering a fixed
    message does not, so ``handleError(error)`` sends nothing of ``error``.
    """
    sites = responses(model, fn)
    params = fn.child_by_field_name("parameters")
    first = params.named_children[0] if params is not None and params.named_children else None
    if first is None:
        first = fn.child_by_field_name("parameter")
    pattern = (first.child_by_field_name("pattern") or first) if first is not None else None
    if pattern is None or pattern.type != "identifier":
        return bool(sites)  # cannot tell what flows where: assume it answers its input
    name = node_text(pattern)
    return any(
        site.body is not None
        and any(n.type == "identifier" and node_text(n) == name for n in walk(site.body))
        for site in sites
    )


def fetch_calls(
    model: EdgeFunctionModel, node: ts.Node | None = None
) -> Iterator[tuple[ts.Node, bool | None]]:
    """``fetch(...)`` calls and whether they pass an abort ``signal`` (None: cannot tell).

    Unknown when the options come from elsewhere (a parameter, a spread) or
    the request is a ``Request`` object, which may carry its own signal.
    """
    for call in model.calls(node):
        if model.name_of(call) not in ("fetch", "globalThis.fetch"):
            continue
        args = arguments(call)
        if not args:
            continue
        first = unwrap(args[0])
        if first is not None and first.type == "new_expression":
            yield call, None
            continue
        if len(args) < 2:
            yield call, False
            continue
        init = unwrap(args[1])
        if init is not None and init.type == "identifier":
            init = unwrap(model.values.get(node_text(init)))
        if init is None or init.type != "object":
            yield call, None
        elif object_property(init, "signal") is not None:
            yield call, True
        else:
            yield call, None if has_spread(init) else False


def _status_of(init: ts.Node | None, bindings: dict[str, ts.Node | None]) -> int | None:
    init = unwrap(init)
    if init is None:
        return 200
    if init.type == "identifier" and node_text(init) in bindings:
        return _status_of(bindings[node_text(init)], {})
    if init.type != "object":
        return None
    status = unwrap(object_property(init, "status"))
    if status is None:
        return None if has_spread(init) else 200
    if status.type == "shorthand_property_identifier" or status.type == "identifier":
        bound = bindings.get(node_text(status))
        if bound is None:
            return None
        status = unwrap(bound)
    if status is not None and status.type == "number":
        try:
            return int(node_text(status).replace("_", ""))
        except ValueError:
            return None
    return None
