"""EDGE020: a public webhook writes with the service role without checking a signature."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from agents.edge_reliability.access import unsigned_webhook_write
from agents.edge_reliability.context import EdgeRule
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext
from agents.ts.parse import arguments, line_of, node_text, unwrap

WRITES = frozenset({"insert", "update", "upsert", "delete", "rpc"})


class UnsignedWebhookWrite(EdgeRule):
    """Flag a public webhook that writes its unsigned body with the service role.

    ## What it does
    On a function whose project ``config.toml`` sets ``verify_jwt = false``,
    reports the first service-role write (insert/update/upsert/delete/rpc)
    that carries data from the request body when the function checks no
    signature or shared secret anywhere: no ``stripe.webhooks.constructEvent``,
    ``svix``/``standardwebhooks`` ``verify``, HMAC compared with
    ``timingSafeEqual``/``crypto.subtle.verify``, or secret header compared
    with a secret from the environment.  Testing that a signature header is
    *present* is not a check.

    ## Why is this bad?
    A webhook endpoint is public by design.  Without verifying that the
    payload was signed by the sender, anyone who knows the URL can post a
    forged event (``subscription.updated`` with ``status: "active"``) and the
    function writes it with RLS bypassed.

    ## Example
    ```ts
    const event = JSON.parse(await req.text());
    await admin.from("subscriptions").upsert({ id: event.data.id, status: event.data.status });
    ```

    ## Use instead
    ```ts
    const raw = await req.text();
    const event = await stripe.webhooks.constructEventAsync(raw, signature, secret);
    await admin.from("subscriptions").upsert({ id: event.data.object.id, status: "active" });
    ```

    ## References
    - https://supabase.com/docs/guides/functions/examples/stripe-webhooks
    - https://docs.stripe.com/webhooks#verify-events
    """

    code = "EDGE020"
    whole_function = True
    name = "unsigned-webhook-write"
    severity = Severity.CRITICAL
    severity_reason = "Anyone can post forged events that are written with RLS bypassed."

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        query = unsigned_webhook_write(ctx)
        if query is None:
            return
        write = next(
            (link for link in query.links if link is not None and _method(link.node) in WRITES),
            query.fact,
        )
        args = arguments(write.node)
        target = f"`{query.table}`" if query.table else "the database"
        yield self.finding(
            ctx.path,
            line_of(args[0]) if args else line_of(write.node),
            f"This public function (`verify_jwt = false`) writes request data to {target} with "
            "the service role, and nothing verifies that the request was signed by the sender: "
            "anyone who knows the URL can post forged events.",
            "Verify the signature over the raw body before parsing it (the provider's SDK, or an "
            "HMAC with the webhook secret compared in constant time) and answer 401 on failure.",
        )


def _method(call: ts.Node) -> str:
    fn = unwrap(call.child_by_field_name("function"))
    if fn is None or fn.type != "member_expression":
        return ""
    return node_text(fn.child_by_field_name("property"))
