"""EDGE007: internal error details sent back to the caller."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from agents.edge_reliability.analysis import error_variables, is_error_name, response_bodies
from agents.edge_reliability.context import EdgeRule
from agents.edge_reliability.model.auth import authenticates_caller, verifies_identity
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext
from agents.ts.parse import arguments, call_name, line_of, node_text, unwrap, walk

_LEAKY_FIELDS = frozenset({"message", "stack", "details", "hint", "cause"})


class ErrorDetailsInResponse(EdgeRule):
    """Flag responses that carry ``error.message``, stacks or raw error objects.

    ## What it does
    Reports a response body (``new Response``, ``Response.json`` or a local
    response helper) that contains ``err.message``, ``err.stack``,
    ``error.details``/``hint``, ``String(err)`` or the error object itself,
    where ``err`` is a caught exception or a Supabase ``error``.

    ## Why is this bad?
    Database errors name tables, constraints and columns; exception texts and
    stacks reveal code paths and library versions. That helps an attacker
    and confuses users. Log the detail, answer a generic message.
    Unauthenticated callers make it worse (high).

    ## Example
    ```ts
    if (error) return Response.json({ error: error.message, hint: error.hint }, { status: 500 });
    ```

    ## Use instead
    ```ts
    if (error) {
      console.error("insert failed", error.code);
      return Response.json({ error: "Could not save" }, { status: 500 });
    }
    ```

    ## References
    - https://supabase.com/docs/guides/functions/error-handling
    - https://owasp.org/www-community/Improper_Error_Handling
    """

    code = "EDGE007"
    name = "error-details-in-response"
    severity = Severity.MEDIUM
    severity_reason = "Leaks schema and code internals; high when anyone may call the function."

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        model = ctx.model
        known, benign = error_variables(model)
        severity = (
            Severity.MEDIUM
            if verifies_identity(model) or authenticates_caller(model)
            else Severity.HIGH
        )
        seen: set[int] = set()
        for response, body in response_bodies(model):
            leak = _leak(body, known, model.values, benign)
            if leak is None or response.start_byte in seen:
                continue
            seen.add(response.start_byte)
            yield self.finding(
                ctx.path,
                line_of(leak),
                f"`{node_text(leak)}` sends internal error details to the caller (database "
                "messages name tables and constraints; stacks show code paths).",
                "Log the detail server-side and answer a generic message with the right status.",
                severity=severity,
            )


def _leak(
    body: ts.Node,
    known: set[str],
    values: dict[str, ts.Node],
    benign: set[str],
    depth: int = 0,
) -> ts.Node | None:
    for node in walk(body):
        if node.type == "identifier" and depth == 0 and node_text(node) in values:
            # `const message = err instanceof Error ? err.message : String(err)` then `{ message }`
            parent = node.parent
            if parent is None or parent.type != "member_expression":
                inner = _leak(values[node_text(node)], known, values, benign, depth + 1)
                if inner is not None:
                    return node
        if node.type == "shorthand_property_identifier" and depth == 0:
            value = values.get(node_text(node))
            if value is not None and _leak(value, known, values, benign, depth + 1) is not None:
                return node
        if node.type == "member_expression":
            obj = unwrap(node.child_by_field_name("object"))
            prop = node_text(node.child_by_field_name("property"))
            if (
                prop in _LEAKY_FIELDS
                and obj is not None
                and obj.type == "identifier"
                and is_error_name(node_text(obj), known, benign)
            ):
                return node
        elif node.type == "call_expression" and call_name(node) in ("String", "JSON.stringify"):
            args = arguments(node)
            arg = unwrap(args[0]) if args else None
            if arg is not None and arg.type == "identifier" and node_text(arg) in known:
                return node
        elif node.type == "call_expression" and call_name(node).endswith(".toString"):
            target = call_name(node).rsplit(".", 1)[0]
            if target in known:
                return node
        elif node.type == "template_substitution":
            inner = unwrap(node.named_children[0] if node.named_children else None)
            if inner is not None and inner.type == "identifier" and node_text(inner) in known:
                return node
        elif (
            node.type == "identifier"
            and node_text(node) in known
            and (node == body or (node.parent is not None and node.parent.type == "array"))
        ):
            return node  # the raw error object is the body (or an element of it)
        elif node.type == "pair":
            value = unwrap(node.child_by_field_name("value"))
            if value is not None and value.type == "identifier" and node_text(value) in known:
                return node
        elif node.type == "shorthand_property_identifier" and node_text(node) in known:
            return node
    return None
