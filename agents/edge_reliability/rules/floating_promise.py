"""EDGE005: a promise-returning call neither awaited, returned nor handed to waitUntil."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from agents.edge_reliability.analysis import (
    enclosing_function,
    local_async_call,
    supabase_call_kind,
)
from agents.edge_reliability.context import EdgeRule
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext
from agents.ts.parse import chain_calls, chain_methods, line_of, unwrap

_SYNC_METHODS = frozenset(
    {"getPublicUrl", "channel", "on", "subscribe", "onAuthStateChange", "removeChannel"}
)


class FloatingPromise(EdgeRule):
    """Flag Supabase queries, ``fetch`` calls and local async calls left floating.

    ## What it does
    Reports an expression statement inside a function that calls a Supabase
    client (``.from(...)``, ``.rpc(...)``, storage, functions), ``fetch``, or an
    ``async`` function of the same file, without ``await``, ``return``,
    ``.then/.catch`` or ``EdgeRuntime.waitUntil``.

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
    name = "floating-promise"
    severity = Severity.MEDIUM
    severity_reason = "The write silently never happens or is lost on shutdown."

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        model = ctx.model
        for stmt in ctx.parsed.of_type("expression_statement"):
            expr = unwrap(stmt.named_children[0] if stmt.named_children else None)
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
            elif model.name_of(expr) in ("fetch", "globalThis.fetch"):
                what = "fetch"
            elif local_async_call(model, expr):
                what = f"call to async `{model.name_of(expr)}`"
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
