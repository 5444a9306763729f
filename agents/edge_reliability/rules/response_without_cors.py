"""EDGE002: a response of a CORS-aware function lacks the CORS headers."""

from __future__ import annotations

from collections.abc import Iterator

from agents.edge_reliability.analysis import browser_called
from agents.edge_reliability.context import EdgeRule
from agents.edge_reliability.model.cors import handles_options, has_cors_headers, references_cors
from agents.edge_reliability.model.http import responses
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext
from agents.ts.parse import line_of, object_property, unwrap


class ResponseWithoutCors(EdgeRule):
    """Flag responses that omit the CORS headers in a function that uses them.

    ## What it does
    In a function that answers the preflight or sends CORS headers, reports
    each ``new Response(...)`` / ``Response.json(...)`` whose ``headers``
    certainly lack ``Access-Control-Allow-Origin`` (headers built elsewhere
    are given the benefit of the doubt).

    ## Why is this bad?
    The browser hides a response without CORS headers from the page: the
    app sees a network error instead of the 400/401/500 it should handle,
    typically on exactly the error paths.

    ## Example
    ```ts
    if (!user) return new Response("Unauthorized", { status: 401 });
    ```

    ## Use instead
    ```ts
    if (!user) return new Response("Unauthorized", { status: 401, headers: corsHeaders });
    ```

    ## References
    - https://supabase.com/docs/guides/functions/cors
    """

    code = "EDGE002"
    whole_function = True
    name = "response-without-cors-headers"
    severity = Severity.MEDIUM
    severity_reason = "The browser turns that answer into an opaque network error."

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        model = ctx.model
        if model.entry is None or not handles_options(model) or not references_cors(model):
            return  # without any CORS headers at all, EDGE001 reports the function once
        if not browser_called(ctx):
            return
        for site in responses(model):
            init = unwrap(site.init)
            if init is not None and init.type != "object":
                continue
            headers = object_property(init, "headers") if init is not None else None
            if (
                init is not None
                and headers is None
                and any(c.type == "spread_element" for c in init.named_children)
            ):
                continue
            if has_cors_headers(model, headers) is False:
                yield self.finding(
                    ctx.path,
                    line_of(site.node),
                    "This response has no CORS headers, so the browser reports a network "
                    "error instead of letting the app read it.",
                    "Pass `headers: { ...corsHeaders, 'Content-Type': 'application/json' }`.",
                )
