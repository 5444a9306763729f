"""EDGE008: a call that throws on bad input or network failure, outside any try/catch."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from agents.edge_reliability.analysis import in_try_block, promise_handled_by_chain
from agents.edge_reliability.context import EdgeRule
from agents.edge_reliability.model.http import fetch_calls
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext
from agents.ts.parse import line_of


class UnhandledException(EdgeRule):
    """Flag ``req.json()`` and signal-bearing ``fetch`` calls outside any try/catch.

    ## What it does
    Inside the handler, reports ``req.json()`` / ``req.formData()`` and
    ``fetch`` calls that carry an abort signal (so they throw on timeout)
    when no ``try`` block or ``.catch`` covers them. (A ``fetch`` without a
    signal is reported by EDGE004, which mentions the missing try/catch.)

    ## Why is this bad?
    A malformed body or an aborted request throws; without top-level error
    handling the runtime answers an opaque 500 without CORS headers instead
    of a 400 or 502 the app can handle, and nothing useful is logged.

    ## Example
    ```ts
    Deno.serve(async (req) => {
      const { id } = await req.json();
    });
    ```

    ## Use instead
    ```ts
    Deno.serve(async (req) => {
      let body: unknown;
      try { body = await req.json(); } catch {
        return Response.json({ error: "Body must be JSON" }, { status: 400, headers: corsHeaders });
      }
    });
    ```

    ## References
    - https://supabase.com/docs/guides/functions/error-handling
    """

    code = "EDGE008"
    whole_function = True
    name = "unhandled-exception"
    severity = Severity.MEDIUM
    severity_reason = "Bad input or a failed upstream becomes an opaque 500 the client cannot read."

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        model = ctx.model
        handler, req = model.handler, model.request_param
        if handler is None or req is None:
            return
        with_signal = {call.id for call, signal in fetch_calls(model, handler) if signal}
        for call in model.calls(handler):
            name = model.name_of(call)
            if name in (f"{req}.json", f"{req}.formData"):
                what = f"`{name}()` throws on a malformed body"
            elif call.id in with_signal:
                what = "this fetch throws on timeout or network failure"
            else:
                continue
            if not _awaited(call) or in_try_block(call, handler) or promise_handled_by_chain(call):
                continue
            yield self.finding(
                ctx.path,
                line_of(call),
                f"{what[0].upper()}{what[1:]}, and nothing catches it: the caller gets an opaque "
                "500 (without CORS headers) instead of a 400/502.",
                "Wrap it in try/catch and answer a specific status with the CORS headers.",
            )


def _awaited(call: ts.Node) -> bool:
    """Whether the call's rejection surfaces in the handler (it is awaited, maybe via a chain).

    A floating call (EDGE005's business) does not throw into the handler.
    """
    current = call.parent
    while current is not None and current.type in (
        "member_expression",
        "call_expression",
        "parenthesized_expression",
        "as_expression",
        "non_null_expression",
    ):
        current = current.parent
    return current is not None and current.type == "await_expression"
