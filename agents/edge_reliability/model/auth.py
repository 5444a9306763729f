"""Whether an Edge Function authenticates its caller, and how.

Two questions with different strictness: :func:`verifies_identity` (the
caller's JWT is verified, so a user id can be trusted) and
:func:`authenticates_caller` (any authentication at all: JWT, webhook
signature, shared secret, HMAC), generous on purpose because the rules using
it claim that there is *no* authentication.
"""

from __future__ import annotations

import re

import tree_sitter as ts

from agents.edge_reliability.model.function import EdgeFunctionModel
from agents.ts.parse import arguments, node_text, string_value
from agents.ts.syntax import presence_check

SECRET_ENV = re.compile(r"SERVICE_ROLE|SECRET|PRIVATE|PASSWORD|TOKEN|API_KEY|_KEY$", re.I)
SIGNATURE_HINTS = re.compile(r"signature|webhook|secret|hmac|x-api-key|cron", re.I)
"""Header names that carry a webhook signature or a shared secret (not ``apikey``,
which supabase-js sends on every call)."""
VERIFY_CALL = re.compile(
    r"(^|\.)(getUser|getClaims|jwtVerify|verifyJwt|verifyJWT|verifyToken|verify|"
    r"constructEvent|constructEventAsync|timingSafeEqual|verifySignature|verifyWebhook)$"
)
IDENTITY_CALL = re.compile(r"(^|\.)(getUser|getClaims|jwtVerify|verifyJwt|verifyJWT|verifyToken)$")


def verifies_identity(model: EdgeFunctionModel) -> bool:
    """Whether the file verifies the caller's JWT (``auth.getUser``, ``getClaims``, jose)."""
    return any(IDENTITY_CALL.search(model.name_of(c)) for c in model.calls()) or any(
        IDENTITY_CALL.search(t) for t in _shared_call_names(model)
    )


def authenticates_caller(model: EdgeFunctionModel) -> bool:
    """Whether the file does any authentication of its own.

    JWT verification, a webhook signature check, a shared-secret header
    comparison or an HMAC: generous on purpose, since the rules using it
    claim that there is *no* authentication at all.
    """
    if verifies_identity(model):
        return True
    for call in model.calls():
        name = model.name_of(call)
        if VERIFY_CALL.search(name) or "hmac" in name.lower():
            return True
        if name.endswith("headers.get"):
            args = arguments(call)
            key = string_value(args[0]) if args else None
            if key and SIGNATURE_HINTS.search(key) and _header_checked(model, call):
                return True
    if _compares_with_secret(model):
        return True
    return any(
        model.name_of(c) in ("crypto.subtle.verify", "crypto.subtle.sign") for c in model.calls()
    )


def _header_checked(model: EdgeFunctionModel, read: ts.Node) -> bool:
    """Whether a signature/secret header's value is used beyond a presence check.

    ``if (!signature) return 400`` and then parsing the body unverified
    authenticates nobody; passing the value to a verifier, comparing it
    with something or parsing it (``sig.split(",")``) is given the benefit
    of the doubt.
    """
    uses: list[ts.Node] = [read]
    parent = read.parent
    while parent is not None and parent.type in (
        "non_null_expression",
        "parenthesized_expression",
        "as_expression",
        "binary_expression",
    ):
        if parent.type == "binary_expression" and node_text(
            parent.child_by_field_name("operator")
        ) not in ("??", "||"):
            break
        parent = parent.parent
    if parent is not None and parent.type == "variable_declarator":
        target = parent.child_by_field_name("name")
        if target is not None and target.type == "identifier":
            name = node_text(target)
            uses = [
                n
                for n in model.parsed.of_type("identifier")
                if node_text(n) == name and n != target
            ]
    return any(not presence_check(use) for use in uses)


def _compares_with_secret(model: EdgeFunctionModel) -> bool:
    """``req.headers.get(...) === Deno.env.get("CRON_SECRET")`` and the like."""
    secret_vars = {name for name, value in model.values.items() if reads_secret_env(model, value)}
    for node in model.parsed.of_type("binary_expression"):
        operator = node.child_by_field_name("operator")
        if node_text(operator) not in ("===", "!==", "==", "!="):
            continue
        for side in (node.child_by_field_name("left"), node.child_by_field_name("right")):
            if side is None:
                continue
            if reads_secret_env(model, side):
                return True
            if any(
                n.type == "identifier" and node_text(n) in secret_vars
                for n in model.parsed.subtree(side)
            ):
                return True
    return False


def reads_secret_env(model: EdgeFunctionModel, node: ts.Node | None) -> bool:
    """Whether ``node`` reads a secret-looking environment variable (``Deno.env.get``)."""
    if node is None:
        return False
    for call in model.parsed.of_type("call_expression", within=node):
        if model.name_of(call) == "Deno.env.get":
            args = arguments(call)
            key = string_value(args[0]) if args else None
            if key and SECRET_ENV.search(key):
                return True
    return False


def _shared_call_names(model: EdgeFunctionModel) -> list[str]:
    names: list[str] = []
    for text in model.shared_texts.values():
        names.extend(re.findall(r"\.(getUser|getClaims|jwtVerify)\s*\(", text))
    return names
