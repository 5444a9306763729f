"""EDGE012: the whole request body is written to the database without validation."""

from __future__ import annotations

from collections.abc import Iterator

from agents.edge_reliability.analysis import supabase_call_kind
from agents.edge_reliability.context import EdgeRule
from agents.edge_reliability.request_body import whole_body_variables
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext
from agents.ts.parse import arguments, chain_calls, line_of, node_text, unwrap

_WRITES = ("insert", "update", "upsert")


class RequestBodyWrittenUnvalidated(EdgeRule):
    """Flag ``insert``/``update``/``upsert`` of the raw ``await req.json()`` object.

    ## What it does
    Reports a Supabase write whose row argument is the request body object
    itself (or a spread of it), with no schema validation in between.

    ## Why is this bad?
    The caller chooses every column: ``user_id``, ``role``, ``price``,
    ``is_admin``. With the service role nothing stops it; with RLS, columns
    the policy does not check are still free. Wrong types surface as 500s.

    ## Example
    ```ts
    const body = await req.json();
    await supabase.from("profiles").update(body).eq("id", user.id);
    ```

    ## Use instead
    ```ts
    const { display_name } = ProfileUpdate.parse(await req.json());
    await supabase.from("profiles").update({ display_name }).eq("id", user.id);
    ```

    ## References
    - https://supabase.com/docs/guides/functions/error-handling
    - https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/
    """

    code = "EDGE012"
    name = "request-body-written-unvalidated"
    severity = Severity.MEDIUM
    severity_reason = "The caller can set columns it should not (mass assignment)."

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        model = ctx.model
        bodies = whole_body_variables(model)
        if not bodies or model.handler is None:
            return
        for call in model.calls(model.handler):
            if supabase_call_kind(model, call) != "write":
                continue
            parent = call.parent
            if parent is not None and parent.type == "member_expression":
                continue
            client = model.is_supabase_chain(call)
            for link in chain_calls(call):
                fn = unwrap(link.child_by_field_name("function"))
                method = (
                    node_text(fn.child_by_field_name("property"))
                    if fn is not None and (fn.type == "member_expression")
                    else ""
                )
                if method not in _WRITES:
                    continue
                args = arguments(link)
                row = unwrap(args[0]) if args else None
                if row is None:
                    continue
                raw = (row.type == "identifier" and node_text(row) in bodies) or (
                    row.type == "object"
                    and any(
                        c.type == "spread_element" and node_text(c)[3:].strip() in bodies
                        for c in row.named_children
                    )
                )
                if raw:
                    service = client is not None and client.key == "service_role"
                    yield self.finding(
                        ctx.path,
                        line_of(row),
                        f"The request body is passed to `.{method}()` as is: the caller "
                        "chooses every column it sets"
                        + (" and the service role bypasses RLS." if service else "."),
                        "Validate the body with a schema (zod) and write only the fields the "
                        "caller may set.",
                        severity=Severity.MEDIUM if service else Severity.LOW,
                    )
