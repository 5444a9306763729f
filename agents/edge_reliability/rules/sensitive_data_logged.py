"""EDGE013: credentials or personal data written to the function logs."""

from __future__ import annotations

import re
from collections.abc import Iterator

import tree_sitter as ts

from agents.edge_reliability.context import EdgeRule
from agents.edge_reliability.model.function import EdgeFunctionModel
from agents.edge_reliability.request_body import whole_body_variables
from agents.edge_reliability.rules.secret_exposed import secret_variables
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext
from agents.ts.parse import arguments, line_of, node_text, string_value, unwrap, walk

LOG_CALLS = re.compile(r"^console\.(log|info|debug|warn|error|trace|dir)$")
CREDENTIAL_NAMES = frozenset(
    {
        "password",
        "passwd",
        "pass",
        "secret",
        "token",
        "authorization",
        "authheader",
        "auth_header",
        "apikey",
        "api_key",
        "jwt",
        "accesstoken",
        "access_token",
        "refreshtoken",
        "refresh_token",
        "bearer",
        "cookie",
        "otp",
    }
)
_UNWRAPPING = ("JSON.stringify", "Object.fromEntries")
EVENT_CALL = re.compile(r"constructEvent|verifyWebhook|\.verify$")


class SensitiveDataLogged(EdgeRule):
    """Flag logging of tokens, passwords, headers, whole request bodies or webhook events.

    ## What it does
    Reports ``console.*`` calls whose arguments include a credential (a
    variable or property named ``token``, ``password``, ``authorization``…,
    the ``Authorization`` header, all request headers), the whole parsed
    request body, or a whole verified webhook event (customer e-mail, name,
    address).

    ## Why is this bad?
    Function logs are kept and readable by everyone with dashboard access;
    tokens there can be replayed, and personal data there is a privacy
    liability (GDPR). Log ids and types instead.

    ## Example
    ```ts
    console.log("event", JSON.stringify(event));
    ```

    ## Use instead
    ```ts
    console.log("event", event.id, event.type);
    ```

    ## References
    - https://supabase.com/docs/guides/functions/logging
    - https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html
    """

    code = "EDGE013"
    runs_on_partial_files = True
    name = "sensitive-data-logged"
    severity = Severity.LOW
    severity_reason = "Personal data in logs is a privacy problem; credentials there are worse."

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        model = ctx.model
        payloads = whole_body_variables(model) | _event_variables(model)
        secrets = secret_variables(model)  # reported by EDGE011 instead
        for call in model.calls():
            if not LOG_CALLS.match(model.name_of(call)):
                continue
            for arg in arguments(call):
                if any(n.type == "identifier" and node_text(n) in secrets for n in walk(arg)):
                    break
                verdict = _sensitive(model, arg, payloads)
                if verdict is None:
                    continue
                what, severity = verdict
                yield self.finding(
                    ctx.path,
                    line_of(call),
                    f"This log line writes {what} to the function logs.",
                    "Log identifiers and types only (event id, user id, status), never tokens, "
                    "headers or whole payloads.",
                    severity=severity,
                )
                break


def _event_variables(model: EdgeFunctionModel) -> set[str]:
    names: set[str] = set()
    for node in model.parsed.of_type("variable_declarator", "assignment_expression"):
        if node.type == "variable_declarator":
            target, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        elif node.type == "assignment_expression":
            target, value = node.child_by_field_name("left"), node.child_by_field_name("right")
        else:
            continue
        value = unwrap(value)
        if value is not None and value.type == "await_expression":
            value = unwrap(value.named_children[0] if value.named_children else None)
        target = unwrap(target)
        if (
            target is not None
            and target.type == "identifier"
            and value is not None
            and value.type == "call_expression"
            and EVENT_CALL.search(model.name_of(value))
        ):
            names.add(node_text(target))
    return names


def _sensitive(
    model: EdgeFunctionModel, raw: ts.Node, payloads: set[str]
) -> tuple[str, Severity] | None:
    arg = unwrap(raw)
    if arg is None:
        return None
    if arg.type == "call_expression" and model.name_of(arg) in _UNWRAPPING:
        inner = arguments(arg)
        return _sensitive(model, inner[0], payloads) if inner else None
    req = model.request_param
    if arg.type == "identifier":
        name = node_text(arg)
        if name in payloads:
            return "a whole request/webhook payload (personal data)", Severity.LOW
        if name.lower() in CREDENTIAL_NAMES:
            return f"a credential (`{name}`)", Severity.MEDIUM
        return None
    if arg.type == "member_expression":
        text = node_text(arg)
        prop = node_text(arg.child_by_field_name("property"))
        if req and text == f"{req}.headers":
            return "all request headers (including Authorization)", Severity.MEDIUM
        if prop.lower() in CREDENTIAL_NAMES:
            return f"a credential (`{text}`)", Severity.MEDIUM
        return None
    if req and _all_headers(model, arg, req):
        return "all request headers (including Authorization)", Severity.MEDIUM
    if arg.type == "call_expression" and req and model.name_of(arg) == f"{req}.headers.get":
        args = arguments(arg)
        key = (string_value(args[0]) if args else "") or ""
        if key.lower() in ("authorization", "cookie", "apikey"):
            return f"the `{key}` header", Severity.MEDIUM
    if arg.type == "template_string":
        for sub in arg.named_children:
            if sub.type == "template_substitution" and sub.named_children:
                found = _sensitive(model, sub.named_children[0], payloads)
                if found is not None:
                    return found
    return None


def _all_headers(model: EdgeFunctionModel, arg: ts.Node, req: str) -> bool:
    """``req.headers.entries()``, ``[...req.headers]``, ``new Map(req.headers)``."""
    if arg.type == "call_expression":
        return model.name_of(arg) in (f"{req}.headers.entries", f"{req}.headers.values")
    if arg.type == "array":
        return any(
            child.type == "spread_element"
            and node_text(unwrap(child.named_children[0])) == f"{req}.headers"
            for child in arg.named_children
            if child.named_children
        )
    if arg.type == "new_expression":
        ctor = node_text(arg.child_by_field_name("constructor"))
        args = arguments(arg)
        first = unwrap(args[0]) if args else None
        return ctor in ("Map", "Headers") and node_text(first) == f"{req}.headers"
    return False
