"""EDGE004: an outbound ``fetch`` without a timeout or abort signal."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from agents.edge_reliability.analysis import in_try_block, promise_handled_by_chain
from agents.edge_reliability.context import EdgeRule
from agents.edge_reliability.model.function import EdgeFunctionModel
from agents.edge_reliability.model.http import fetch_calls
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext
from agents.ts.parse import (
    line_of,
)
from agents.ts.syntax import FUNCTION_TYPES


class FetchWithoutTimeout(EdgeRule):
    """Flag ``fetch`` calls that pass no ``signal``.

    ## What it does
    Reports every ``fetch(url)`` / ``fetch(url, init)`` whose ``init`` has no
    ``signal`` (an options object built elsewhere is given the benefit of the
    doubt).

    ## Why is this bad?
    ``fetch`` has no default timeout. When the upstream API hangs, the
    function waits until the platform's wall-clock limit kills it; the caller
    gets an opaque error and the worker is held for the whole time.

    ## Example
    ```ts
    const res = await fetch("https://api.example.com/v1/things", { method: "POST" });
    ```

    ## Use instead
    ```ts
    const res = await fetch("https://api.example.com/v1/things", {
      method: "POST",
      signal: AbortSignal.timeout(10_000),
    });
    ```

    ## References
    - https://supabase.com/docs/guides/functions/limits
    - https://developer.mozilla.org/en-US/docs/Web/API/AbortSignal/timeout_static
    """

    code = "EDGE004"
    runs_on_partial_files = True
    name = "fetch-without-timeout"
    severity = Severity.MEDIUM
    severity_reason = "A hung upstream holds the function until the platform kills it."

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        model = ctx.model
        for call, signal in fetch_calls(model):
            if signal is not False or _raced(model, call):
                continue  # Promise.race([fetch(...), timeout]) bounds the wait
            unguarded = not (in_try_block(call, model.handler) or promise_handled_by_chain(call))
            extra = (
                " It is also outside any try/catch, so a network error becomes an unhandled 500."
                if unguarded and model.in_handler(call)
                else ""
            )
            yield self.finding(
                ctx.path,
                line_of(call),
                "This fetch has no timeout or abort signal: a slow upstream keeps the "
                "function waiting until the platform kills it." + extra,
                "Pass `signal: AbortSignal.timeout(ms)` and handle the abort/network error "
                "in a try/catch with a 502/504 answer.",
            )


def _raced(model: EdgeFunctionModel, call: ts.Node) -> bool:
    current = call.parent
    while current is not None and current.type not in FUNCTION_TYPES:
        if current.type == "call_expression" and model.name_of(current) == "Promise.race":
            return True
        current = current.parent
    return False
