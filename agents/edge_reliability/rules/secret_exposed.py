"""EDGE011: the service-role key or another secret in a response, a log, or the source."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterator

import tree_sitter as ts

from agents.edge_reliability.analysis import response_bodies
from agents.edge_reliability.context import EdgeRule
from agents.edge_reliability.model.function import EdgeFunctionModel
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext
from agents.ts.parse import arguments, call_name, line_of, node_text, string_value, unwrap, walk

SECRET_ENV = re.compile(r"SERVICE_ROLE|SECRET|PRIVATE_KEY|PASSWORD|API_KEY|TOKEN", re.I)
LITERAL_SECRETS = (
    re.compile(r"\bsb_secret_[A-Za-z0-9_-]{16,}"),
    re.compile(r"\b[sr]k_live_[A-Za-z0-9]{16,}"),
    re.compile(r"\bwhsec_[A-Za-z0-9+/=]{16,}"),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}"),
    re.compile(r"\bxox[baprs]-[A-Za-z0-9-]{10,}"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
)
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.(eyJ[A-Za-z0-9_-]{8,})\.[A-Za-z0-9_-]{8,}")
LOG_CALLS = re.compile(r"^console\.(log|info|debug|warn|error|trace)$")


class SecretExposed(EdgeRule):
    """Flag secrets hard-coded in source, returned in responses, or logged.

    ## What it does
    Reports string literals that are service-role JWTs, ``sb_secret_`` keys or
    other well-known live credentials, and responses or ``console`` calls
    that include ``Deno.env.get("…SERVICE_ROLE…/…SECRET…/…TOKEN…")`` or a
    variable holding it.

    ## Why is this bad?
    The service-role key bypasses every RLS policy. Source is shared widely
    and logs are readable by many; a key there is a key published.

    ## Example
    ```ts
    console.log("using key", Deno.env.get("SUPABASE_SERVICE_ROLE_KEY"));
    ```

    ## Use instead
    ```ts
    console.log("using service client");
    ```

    ## References
    - https://supabase.com/docs/guides/api/api-keys
    - https://supabase.com/docs/guides/functions/secrets
    """

    code = "EDGE011"
    runs_on_partial_files = True
    name = "secret-exposed"
    severity = Severity.CRITICAL
    severity_reason = "A leaked service-role key gives full access to all data."

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        model = ctx.model
        for node in model.parsed.of_type("string_fragment"):
            if node.type == "string_fragment" and _literal_secret(node_text(node)):
                yield self.finding(
                    ctx.path,
                    line_of(node),
                    "A secret key is hard-coded in the source.",
                    "Revoke it, then read it with `Deno.env.get(...)` from the function's "
                    "secrets (`supabase secrets set`).",
                )
        secrets = secret_variables(model)
        for _response, body in response_bodies(model):
            hit = _secret_use(body, secrets)
            if hit is not None:
                yield self.finding(
                    ctx.path,
                    line_of(hit),
                    f"`{node_text(hit)}` (a secret) is sent in a response.",
                    "Never return secrets; return only what the caller needs.",
                )
        for call in model.calls():
            if not LOG_CALLS.match(model.name_of(call)):
                continue
            for arg in arguments(call):
                hit = _secret_use(arg, secrets)
                if hit is not None:
                    yield self.finding(
                        ctx.path,
                        line_of(hit),
                        f"`{node_text(hit)}` (a secret) is written to the function logs.",
                        "Log that the call happened, never the key itself.",
                    )
                    break


def secret_variables(model: EdgeFunctionModel) -> set[str]:
    """Variables initialised from a secret environment variable."""
    names: set[str] = set()
    for name, value in model.values.items():
        if _is_secret_env(value):
            names.add(name)
    return names


def _is_secret_env(node: ts.Node | None) -> bool:
    node = unwrap(node)
    if node is None:
        return False
    for n in walk(node):
        if n.type == "call_expression" and call_name(n) == "Deno.env.get":
            args = arguments(n)
            key = string_value(args[0]) if args else None
            if key and SECRET_ENV.search(key):
                return True
        if n.type == "call_expression" and call_name(n) == "Deno.env.toObject":
            return True
    return False


def _secret_use(expr: ts.Node, secrets: set[str]) -> ts.Node | None:
    for node in walk(expr):
        if node.type == "identifier" and node_text(node) in secrets:
            parent = node.parent
            if (
                parent is not None
                and parent.type == "member_expression"
                and node_text(parent.child_by_field_name("property")) in ("length",)
            ):
                continue
            return node
        if node.type == "call_expression" and _is_secret_env(node):
            return node
    return None


def _literal_secret(text: str) -> bool:
    if any(p.search(text) for p in LITERAL_SECRETS):
        return True
    for m in JWT.finditer(text):
        payload = m.group(1)
        try:
            decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
            claims = json.loads(decoded)
        except (binascii.Error, ValueError):
            continue
        if isinstance(claims, dict) and claims.get("role") == "service_role":
            return True
    return False
