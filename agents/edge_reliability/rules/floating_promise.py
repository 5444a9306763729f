"""EDGE005: a promise-returning call neither awaited, returned nor handed to waitUntil."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from agents.edge_reliability.analysis import (
    local_async_call,
    supabase_call_kind,
)
from agents.edge_reliability.context import EdgeRule
from agents.edge_reliability.model.function import EdgeFunctionModel
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext
from agents.ts.parse import arguments, chain_calls, chain_methods, line_of, node_text, unwrap
from agents.ts.syntax import FUNCTION_TYPES, enclosing_function, is_async_function

_SYNC_METHODS = frozenset(
    {"getPublicUrl", "channel", "on", "subscribe", "onAuthStateChange", "removeChannel"}
)


class FloatingPromise(EdgeRule):
    """Flag Supabase queries, ``fetch`` calls and local async calls left floating.

    ## What it does
    Reports an expression statement inside a function that calls a Supabase
    client (``.from(...)``, ``.rpc(...)``, storage, functions), ``fetch``, or an
    ``async`` function of the same file, without ``await``, ``return``,
    ``.then/.catch`` or ``EdgeRuntime.waitUntil``; and ``void`` on a Supabase
    query builder (``void`` does not run a lazy builder), and ``forEach``
    with an ``async`` callback that awaits such calls (nothing waits for them).

    ## Why is this bad?
    supabase-js query builders are lazy: without ``await`` or ``.then`` the
    request is never sent. Other floating promises may be cut off when the
    worker shuts down after the response, and their errors are lost.

    ## Example
    ```ts
    supabase.from("audit_log").insert({ action: "login" });
    return Response.json({ ok: true });
    ```

    ## Use instead
    ```ts
    const { error } = await supabase.from("audit_log").insert({ action: "login" });
    // or, to finish after the response:
    EdgeRuntime.waitUntil(supabase.from("audit_log").insert({ action: "login" }).then());
    ```

    ## References
    - https://supabase.com/docs/guides/functions/background-tasks
    """

    code = "EDGE005"
    runs_on_partial_files = True
    name = "floating-promise"
    severity = Severity.MEDIUM
    severity_reason = "The write silently never happens or is lost on shutdown."

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        model = ctx.model
        for stmt in ctx.parsed.of_type("expression_statement"):
            expr = unwrap(stmt.named_children[0] if stmt.named_children else None)
            voided = False
            if expr is not None and expr.type == "unary_expression":
                # `void builder`: marks a deliberate fire-and-forget, but a lazy query
                # builder that nobody awaits or `.then`s is never sent at all
                operator = expr.child_by_field_name("operator")
                if operator is None or operator.type != "void":
                    continue
                expr = unwrap(expr.child_by_field_name("argument"))
                voided = True
            if expr is None or expr.type != "call_expression":
                continue
            if enclosing_function(stmt) is None:
                continue
            methods = chain_methods(expr)
            if methods and methods[-1] in ("then", "catch", "finally"):
                continue
            kind = supabase_call_kind(model, expr)
            if kind is not None and not (_SYNC_METHODS & set(methods)):
                what = "Supabase call"
            elif voided:
                continue  # `void fetch(...)`: an explicit fire-and-forget of a real promise
            elif model.name_of(expr) in ("fetch", "globalThis.fetch"):
                what = "fetch"
            elif local_async_call(model, expr):
                what = f"call to async `{model.name_of(expr)}`"
            elif not voided and _async_for_each(model, expr):
                what = "`forEach` with an async callback (forEach does not wait for it)"
            else:
                continue
            yield self.finding(
                ctx.path,
                _anchor_line(expr),
                f"This {what} is neither awaited, returned nor passed to "
                "EdgeRuntime.waitUntil: it may never run (query builders are lazy) or be cut "
                "off when the response is sent, and its errors are lost.",
                "`await` it and check `{ error }`, or hand it to `EdgeRuntime.waitUntil(...)` "
                "when it should finish after the response.",
            )


def _async_for_each(model: EdgeFunctionModel, expr: ts.Node) -> bool:
    """``items.forEach(async (item) => { await supabase.from(...)... })``."""
    fn = unwrap(expr.child_by_field_name("function"))
    if fn is None or fn.type != "member_expression":
        return False
    if node_text(fn.child_by_field_name("property")) != "forEach":
        return False
    args = arguments(expr)
    callback = unwrap(args[0]) if args else None
    if callback is None or callback.type not in FUNCTION_TYPES:
        return False
    if not is_async_function(callback):
        return False
    return any(
        supabase_call_kind(model, call) is not None
        or model.name_of(call) in ("fetch", "globalThis.fetch")
        or local_async_call(model, call)
        for call in model.calls(callback)
    )


def _anchor_line(expr: ts.Node) -> int:
    """The line naming the work: ``.from(...)``/``.rpc(...)`` of a chain, else the call."""
    calls = chain_calls(expr)
    if calls:
        fn = calls[-1].child_by_field_name("function")
        if fn is not None and fn.type == "member_expression":
            prop = fn.child_by_field_name("property")
            if prop is not None:
                return line_of(prop)
    return line_of(expr)
