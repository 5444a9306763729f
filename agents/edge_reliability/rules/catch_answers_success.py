"""EDGE017: a catch block that answers with a 2xx status."""

from __future__ import annotations

from collections.abc import Iterator

from agents.edge_reliability.context import EdgeRule
from agents.edge_reliability.model.http import response_status
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext
from agents.ts.parse import line_of
from agents.ts.syntax import enclosing_function


class CatchAnswersSuccess(EdgeRule):
    """Flag ``catch`` blocks in the handler that return a 2xx response.

    ## What it does
    Reports a ``return`` inside a ``catch`` clause of the request handler whose
    response has a 2xx status (including ``new Response("error")``, whose status
    defaults to 200).

    ## Why is this bad?
    The caller (and any retrying sender such as a webhook provider) is told
    the request succeeded when it failed: clients skip their error handling,
    monitoring sees no 5xx, and webhooks are never redelivered.

    ## Example
    ```ts
    } catch (err) {
      console.error(err);
      return new Response(JSON.stringify({ error: "failed" }), { headers: corsHeaders });
    }
    ```

    ## Use instead
    ```ts
    } catch (err) {
      console.error(err);
      const init = { status: 500, headers: corsHeaders };
      return new Response(JSON.stringify({ error: "failed" }), init);
    }
    ```

    ## References
    - https://supabase.com/docs/guides/functions/error-handling
    - https://developer.mozilla.org/en-US/docs/Web/API/Response/Response
    """

    code = "EDGE017"
    name = "catch-answers-success"
    severity = Severity.MEDIUM
    severity_reason = "Failures are reported as successes, so nobody retries or notices."

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        model = ctx.model
        handler = model.handler
        if handler is None:
            return
        for catch in model.parsed.of_type("catch_clause", within=handler):
            body = catch.child_by_field_name("body")
            if body is None:
                continue
            for ret in model.parsed.of_type("return_statement", within=body):
                if enclosing_function(ret) != enclosing_function(catch) or not ret.named_children:
                    continue
                status = response_status(model, ret.named_children[0])
                if status is not None and 200 <= status < 300:
                    yield self.finding(
                        ctx.path,
                        line_of(ret),
                        f"This catch block answers with status {status}: the caller is told "
                        "the request succeeded although it failed.",
                        "Answer with a 5xx (or a specific 4xx such as 400 for a bad body).",
                    )
