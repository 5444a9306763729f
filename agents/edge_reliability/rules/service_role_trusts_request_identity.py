"""EDGE009: a service-role client acts on a user id taken from the request."""

from __future__ import annotations

import re
from collections.abc import Iterator

import tree_sitter as ts

from agents.edge_reliability.context import EdgeRule
from agents.edge_reliability.model.auth import authenticates_caller
from agents.edge_reliability.model.function import EdgeFunctionModel
from agents.edge_reliability.model.taint import taint_of
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext
from agents.ts.parse import (
    arguments,
    chain_calls,
    chain_root,
    line_of,
    node_text,
    string_value,
    unwrap,
    walk,
)

IDENTITY = re.compile(
    r"^(p_|target_|for_|_)?(user|owner|account|customer|member|profile|author|created_by|uid)"
    r"(_?id)?$",
    re.I,
)
USER_TABLES = frozenset({"profiles", "users", "accounts", "customers", "members", "user_profiles"})


def _identity_name(name: str) -> bool:
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    return bool(IDENTITY.match(snake)) and (snake.endswith("id") or snake == "uid")


class ServiceRoleTrustsRequestIdentity(EdgeRule):
    """Flag a service-role query keyed by a user id the caller supplied.

    ## What it does
    In a function that verifies no JWT (no ``auth.getUser``/``getClaims``)
    and no webhook signature, reports a service-role Supabase call whose
    filter, row values or arguments use a user/owner/account id taken from
    the request body, the query string or a header.

    ## Why is this bad?
    The service role bypasses RLS, and ``verify_jwt`` only proves that *some*
    valid JWT was sent (the public anon key is one). Anyone can pass another
    user's id and read or overwrite their data.

    ## Example
    ```ts
    const { userId, city } = await req.json();
    await admin.from("addresses").update({ city }).eq("user_id", userId);
    ```

    ## Use instead
    ```ts
    const { data: { user } } = await admin.auth.getUser(token);
    await admin.from("addresses").update({ city }).eq("user_id", user.id);
    ```

    ## References
    - https://supabase.com/docs/guides/functions/auth
    - https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/
    """

    code = "EDGE009"
    name = "service-role-trusts-request-identity"
    severity = Severity.CRITICAL
    severity_reason = "Any caller can read or write any other user's rows with RLS bypassed."

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        model = ctx.model
        services = {c.name for c in model.service_clients() if c.name}
        if not services or model.handler is None or authenticates_caller(model):
            return
        reported: set[int] = set()
        for call in model.calls(model.handler):
            fn = unwrap(call.child_by_field_name("function"))
            if fn is None or fn.type != "member_expression":
                continue
            parent = call.parent
            if parent is not None and parent.type == "member_expression":
                continue  # only look at the outermost call of each chain
            calls = chain_calls(call)
            root = chain_root(call)
            if root is None or node_text(root) not in services:
                continue
            table = _table_of(calls)
            for link in calls:
                hit = _tainted_identity(model, link, table)
                if hit is not None and hit.start_byte not in reported:
                    reported.add(hit.start_byte)
                    yield self.finding(
                        ctx.path,
                        line_of(hit),
                        f"`{node_text(hit)}` comes from the request, and the service-role client "
                        "(RLS bypassed) uses it as the user's identity without verifying the "
                        "caller's JWT: anyone can act on any user's rows.",
                        "Get the user from the JWT (`supabase.auth.getUser(token)` / "
                        "`getClaims`) and use `user.id`, or use a client with the caller's "
                        "Authorization header so RLS applies.",
                    )
                    break


_DB_WEBHOOK = re.compile(r"(^|\.)(old_)?record(\.|\?\.|$)")


def _request_identity(model: EdgeFunctionModel, value: ts.Node | None) -> bool:
    """Tainted, and not a database-webhook ``record`` (row data, not the caller's identity)."""
    if value is None or taint_of(model, value) is None:
        return False
    return not _DB_WEBHOOK.search(node_text(value).replace(" ", ""))


def _tainted_identity(
    model: EdgeFunctionModel, call: ts.Node, table: str | None = None
) -> ts.Node | None:
    args = arguments(call)
    # .eq("user_id", value) / .match({ user_id: value }) / profiles .eq("id", value)
    if len(args) >= 2:
        column = string_value(args[0]) or ""
        user_key = _identity_name(column) or (column == "id" and table in USER_TABLES)
        if user_key and _request_identity(model, args[1]):
            return args[1]
    for arg in args:
        for node in walk(arg):
            if node.type == "pair":
                key = node.child_by_field_name("key")
                key_name = (string_value(key) if key is not None else None) or node_text(key)
                value = node.child_by_field_name("value")
                # { user_id: body.x }, profiles .match({ id: body.x }), { id: body.profileId }
                identity = (
                    _identity_name(key_name)
                    or (key_name == "id" and table in USER_TABLES)
                    or (key_name == "id" and _identity_name(_last_name(value)))
                )
                if identity and _request_identity(model, value):
                    return node
            elif node.type == "shorthand_property_identifier":
                if _identity_name(node_text(node)) and _request_identity(model, node):
                    return node
            elif node.type in ("member_expression", "identifier") and node.parent is not None:
                if node.parent.type in ("member_expression", "pair"):
                    continue
                name = (
                    node_text(node.child_by_field_name("property"))
                    if node.type == "member_expression"
                    else node_text(node)
                )
                if _identity_name(name) and _request_identity(model, node):
                    return node
    return None


def _table_of(calls: list[ts.Node]) -> str | None:
    """The table named in a chain's ``.from("table")``."""
    for link in calls:
        fn = unwrap(link.child_by_field_name("function"))
        if (
            fn is not None
            and fn.type == "member_expression"
            and node_text(fn.child_by_field_name("property")) == "from"
        ):
            args = arguments(link)
            return string_value(args[0]) if args else None
    return None


def _last_name(value: ts.Node | None) -> str:
    """``profileId`` of ``body.profileId``, the name of an identifier, else ''."""
    value = unwrap(value)
    if value is None:
        return ""
    if value.type == "member_expression":
        return node_text(value.child_by_field_name("property"))
    return node_text(value) if value.type == "identifier" else ""
