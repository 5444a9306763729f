"""TS001: the TypeScript file does not parse."""

from __future__ import annotations

from collections.abc import Iterator

from agents.edge_reliability.context import EdgeRule
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext


class TsSyntaxError(EdgeRule):
    """Report a TypeScript/JavaScript file that does not parse, once.

    ## What it does
    Flags an Edge Function source file whose syntax tree contains errors.

    ## Why is this bad?
    The function will not deploy, and every other rule only sees what the
    parser could recover, so the review of this file is partial.

    ## Example
    ```ts
    Deno.serve(async (req) => {
      return new Response("ok"
    });
    ```

    ## Use instead
    ```ts
    Deno.serve(async (req) => {
      return new Response("ok");
    });
    ```

    ## References
    - https://supabase.com/docs/guides/functions/quickstart
    """

    code = "TS001"
    name = "typescript-syntax-error"
    severity = Severity.LOW
    severity_reason = "Deploy fails loudly, so nothing breaks silently; the review is just partial."

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        if not ctx.parsed.has_error:
            return
        line = ctx.parsed.first_error_line()
        yield self.finding(
            ctx.path,
            line,
            "This file does not parse as TypeScript; the other checks only saw the parts "
            "that could be recovered.",
            "Fix the syntax error (run `deno check` on the function).",
        )
