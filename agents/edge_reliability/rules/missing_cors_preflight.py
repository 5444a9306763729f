"""EDGE001: a browser-called function does not answer the CORS preflight."""

from __future__ import annotations

from collections.abc import Iterator

from agents.edge_reliability.analysis import browser_called
from agents.edge_reliability.context import EdgeRule
from agents.edge_reliability.model.cors import handles_options, references_cors
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext
from agents.ts.parse import line_of


class MissingCorsPreflight(EdgeRule):
    """Flag a browser-called Edge Function that never answers ``OPTIONS``.

    ## What it does
    Reports the ``Deno.serve(`` line of a function with evidence that a
    browser calls it (application code in the repository invokes it by name,
    or it already sends CORS headers somewhere) when no code path answers the
    ``OPTIONS`` preflight, or when it does but no response at all carries
    CORS headers.  Without such evidence it stays silent: functions called by
    ``pg_net`` triggers, cron, webhooks, devices or other servers need no CORS.

    ## Why is this bad?
    ``supabase.functions.invoke`` sends ``authorization``/``apikey`` headers,
    so the browser sends a preflight first. Without a reply carrying
    ``Access-Control-Allow-*`` headers every call from the web app fails.

    ## Example
    ```ts
    Deno.serve(async (req) => {
      const { name } = await req.json();
      return Response.json({ hello: name });
    });
    ```

    ## Use instead
    ```ts
    import { corsHeaders } from "../_shared/cors.ts";
    Deno.serve(async (req) => {
      if (req.method === "OPTIONS") return new Response("ok", { headers: corsHeaders });
      const { name } = await req.json();
      return Response.json({ hello: name }, { headers: corsHeaders });
    });
    ```

    ## References
    - https://supabase.com/docs/guides/functions/cors
    """

    code = "EDGE001"
    whole_function = True
    name = "missing-cors-preflight"
    severity = Severity.MEDIUM
    severity_reason = "Every browser call fails, but no data is exposed."

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        model = ctx.model
        if model.entry is None or (handles_options(model) and references_cors(model)):
            return
        if not browser_called(ctx):
            return
        what = (
            "none of its responses, the OPTIONS preflight included, carries CORS headers"
            if handles_options(model)
            else "never answers the OPTIONS preflight with CORS headers"
        )
        yield self.finding(
            ctx.path,
            line_of(model.entry),
            f"This function is called from the browser, but {what}, so browser calls fail "
            "with a CORS error.",
            "Answer `OPTIONS` first (`if (req.method === 'OPTIONS') return new Response('ok', "
            "{ headers: corsHeaders })`) and add `corsHeaders` to every response.",
        )
