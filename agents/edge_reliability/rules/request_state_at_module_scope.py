"""EDGE003: per-request state (a caller's client, request data) kept at module scope."""

from __future__ import annotations

import re
from collections.abc import Iterator

import tree_sitter as ts

from agents.edge_reliability.context import EdgeRule
from agents.edge_reliability.model.function import EdgeFunctionModel
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext
from agents.ts.parse import line_of, node_text, unwrap, walk
from agents.ts.syntax import is_module_scope

_SESSION_SETTERS = frozenset({"auth.setSession", "functions.setAuth", "realtime.setAuth"})
_REQUEST_DERIVED = re.compile(r"^(user|session|claims|token|jwt|authHeader|authorization)$", re.I)


class RequestStateAtModuleScope(EdgeRule):
    """Flag a caller-scoped Supabase client or request data stored at module scope.

    ## What it does
    Reports a ``createClient(...)`` at module scope whose options forward an
    ``Authorization`` header (one caller's identity), a handler that sets
    the caller's session on a module-scope client (``auth.setSession``,
    ``functions.setAuth``, ``realtime.setAuth``), and module-level ``let``
    variables the handler overwrites with request data (the request, its
    body, the caller's user or token).

    ## Why is this bad?
    An Edge Function worker serves many requests concurrently and keeps its
    module state between them. A client or variable holding one caller's
    identity leaks into the next caller's request: user B acts as user A.

    ## Example
    ```ts
    let currentUser: User | null = null;
    Deno.serve(async (req) => {
      currentUser = (await supabase.auth.getUser(token)).data.user;
    });
    ```

    ## Use instead
    ```ts
    Deno.serve(async (req) => {
      const { data: { user } } = await supabase.auth.getUser(token);
    });
    ```

    ## References
    - https://supabase.com/docs/guides/functions/auth
    """

    code = "EDGE003"
    whole_function = True
    name = "request-state-at-module-scope"
    severity = Severity.HIGH
    severity_reason = "One caller's identity can be used for another concurrent caller's request."

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        model = ctx.model
        for client in model.clients:
            if client.module_scope and client.forwards_caller_auth:
                yield self.finding(
                    ctx.path,
                    client.line,
                    "A Supabase client carrying an Authorization header is created at module "
                    "scope and shared by all concurrent requests of this worker.",
                    "Create the caller's client inside the handler from that request's "
                    "Authorization header.",
                )
        if model.handler is None:
            return
        yield from self._session_set_on_shared_client(ctx)
        module_lets = _module_lets(model)
        if not module_lets:
            return
        for node in model.parsed.of_type("assignment_expression", within=model.handler):
            if node.type != "assignment_expression":
                continue
            left = unwrap(node.child_by_field_name("left"))
            name = node_text(left) if left is not None and left.type == "identifier" else ""
            if name not in module_lets:
                continue
            right = node.child_by_field_name("right")
            shared_client = any(
                c.forwards_caller_auth
                and c.call.start_byte >= node.start_byte
                and c.call.end_byte <= node.end_byte
                for c in model.clients
            )
            if shared_client:
                yield self.finding(
                    ctx.path,
                    line_of(node),
                    f"Module variable `{name}` is set to a client carrying this caller's "
                    "Authorization header; a concurrent request can run with it.",
                    "Keep the caller's client in a local `const` inside the handler.",
                )
            elif _request_derived(model, right):
                yield self.finding(
                    ctx.path,
                    line_of(node),
                    f"Module variable `{name}` is overwritten with request data; concurrent "
                    "requests served by the same worker see each other's value.",
                    "Keep per-request values in local `const`s inside the handler.",
                    severity=Severity.MEDIUM,
                )

    def _session_set_on_shared_client(self, ctx: TsRuleContext) -> Iterator[Finding]:
        """``supabase.auth.setSession({ access_token })`` on a module-scope client."""
        model = ctx.model
        shared = {c.name for c in model.clients if c.module_scope and c.name}
        for call in model.calls(model.handler):
            name = model.name_of(call)
            client, _, method = name.partition(".")
            if client in shared and method in _SESSION_SETTERS:
                yield self.finding(
                    ctx.path,
                    line_of(call),
                    f"`{name}` puts this caller's token into the module-level client "
                    f"`{client}`, which all concurrent requests of this worker share.",
                    "Create a client per request with the caller's Authorization header, or "
                    "pass the token to `auth.getUser(token)` without storing it.",
                )


def _module_lets(model: EdgeFunctionModel) -> set[str]:
    names: set[str] = set()
    for decl in model.parsed.of_type("lexical_declaration", "variable_declaration"):
        if not is_module_scope(decl) or node_text(decl).startswith("const"):
            continue
        for child in decl.named_children:
            if child.type == "variable_declarator":
                target = child.child_by_field_name("name")
                if target is not None and target.type == "identifier":
                    names.add(node_text(target))
    return names


def _request_derived(model: EdgeFunctionModel, value: ts.Node | None) -> bool:
    if value is None:
        return False
    for node in walk(value):
        if node.type != "identifier":
            continue
        name = node_text(node)
        if name == model.request_param or name in model.tainted or _REQUEST_DERIVED.match(name):
            return True
    return False
