"""Which variables hold the whole parsed request body (not one validated field)."""

from __future__ import annotations

from agents.edge_reliability.model.function import EdgeFunctionModel
from agents.ts.parse import callee_tail, node_text, unwrap


def whole_body_variables(model: EdgeFunctionModel) -> set[str]:
    """Identifiers assigned ``await req.json()`` (optionally ``.catch(...)``-ed) directly."""
    req = model.request_param
    names: set[str] = set()
    if req is None or model.handler is None:
        return names
    for node in model.parsed.subtree(model.handler):
        if node.type == "variable_declarator":
            target, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        elif node.type == "assignment_expression":
            target, value = node.child_by_field_name("left"), node.child_by_field_name("right")
        else:
            continue
        target = unwrap(target)
        value = unwrap(value)
        if target is None or target.type != "identifier" or value is None:
            continue
        if value.type == "await_expression":
            value = unwrap(value.named_children[0] if value.named_children else None)
        if value is None or value.type != "call_expression":
            continue
        name = model.name_of(value)
        if name == f"{req}.json" or (
            callee_tail(value) == "catch" and node_text(value).startswith(f"{req}.json(")
        ):
            names.add(node_text(target))
    return names
