"""EDGE015: an authorisation decision read from ``user_metadata``."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from agents.edge_reliability.context import EdgeRule
from agents.edge_reliability.flow.facts import flow_facts
from agents.edge_reliability.flow.labels import caller, describe
from agents.edge_reliability.model.function import EdgeFunctionModel
from agents.edge_reliability.model.http import response_status
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext
from agents.ts.parse import line_of, node_text

_DECISIONS = ("if_statement", "binary_expression", "ternary_expression", "switch_statement")
_ROLE_WORDS = ("role", "admin", "plan", "tier", "permission", "is_", "isadmin", "staff", "org")


class UserMetadataAuthorization(EdgeRule):
    """Flag authorisation decided on data the caller controls (``user_metadata``, the request).

    ## What it does
    Reports a condition (``if``, comparison, ternary, ``switch``) on a
    ``user_metadata`` field that looks like a role, plan or permission; and,
    following the data flow, a guard answering 401/403 whose condition reads a
    role-like value from the request body, query string or headers
    (``const { role } = await req.json(); if (!ROLES.has(role)) return 403``),
    however many variables, helpers or allow-list tests it went through.

    ## Why is this bad?
    ``user_metadata`` is writable by the user themself
    (``supabase.auth.updateUser({ data: { role: "admin" } })``), and a request
    says whatever the caller writes in it, so anyone can grant themselves the
    role.  An allow-list only checks that the claimed role is *a* role.  Use
    ``app_metadata`` (server-only), or look the membership up in a table by
    the verified user id.

    ## Example
    ```ts
    if (user.user_metadata.role !== "admin") return new Response("Forbidden", { status: 403 });
    ```

    ## Use instead
    ```ts
    if (user.app_metadata.role !== "admin") return new Response("Forbidden", { status: 403 });
    ```

    ## References
    - https://supabase.com/docs/guides/database/postgres/row-level-security#authjwt
    - https://supabase.com/docs/guides/auth/managing-user-data
    """

    code = "EDGE015"
    whole_function = True
    name = "user-metadata-authorization"
    severity = Severity.HIGH
    severity_reason = "Any user can grant themselves the role the check relies on."

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        seen: set[int] = set()
        for node in ctx.parsed.of_type("member_expression"):
            if node.type != "member_expression":
                continue
            obj = node.child_by_field_name("object")
            if obj is None or not node_text(obj).endswith("user_metadata"):
                continue
            prop = node_text(node.child_by_field_name("property")).lower()
            if not any(word in prop for word in _ROLE_WORDS):
                continue
            parent = node.parent
            in_decision = False
            while parent is not None and parent.type not in ("statement_block", "program"):
                if parent.type in _DECISIONS or (
                    parent.type == "call_expression" and node_text(parent).find(".includes(") >= 0
                ):
                    in_decision = True
                    break
                parent = parent.parent
            if not in_decision or line_of(node) in seen:
                continue
            seen.add(line_of(node))
            yield self.finding(
                ctx.path,
                line_of(node),
                f"`{node_text(node)}` decides access, but users can edit their own "
                "user_metadata and grant themselves this.",
                "Read roles from `app_metadata` (set only with the service role) or a "
                "table protected by RLS.",
            )
        yield from self._request_claims(ctx, seen)

    def _request_claims(self, ctx: TsRuleContext, seen: set[int]) -> Iterator[Finding]:
        """Guards answering 401/403 on a role-like value the request carries."""
        model = ctx.model
        facts = flow_facts(model)
        for cond, exits in facts.guards:
            if not exits or line_of(cond) in seen or not _forbids(model, cond):
                continue
            origins = [
                o
                for o in caller(facts.of(cond), frozenset({"owned", "signed"}))
                if o.kind in ("body", "query", "header", "path")
                and any(_role_word(part) for part in o.path)
            ]
            if not origins:
                continue
            seen.add(line_of(cond))
            origin = origins[0]
            yield self.finding(
                ctx.path,
                line_of(cond),
                f"`{origin.field}` from {describe(origin)} decides this authorisation check: "
                "the caller states its own role, so anyone can claim one that passes.",
                "Look the caller's role up server-side (a membership table filtered by the "
                "verified `user.id`, or `app_metadata`) instead of trusting the request.",
            )


_REQUEST_ROLE_WORDS = frozenset(
    {
        "role",
        "roles",
        "admin",
        "isadmin",
        "is_admin",
        "permission",
        "permissions",
        "staff",
        "superuser",
        "is_staff",
        "isstaff",
        "scope",
        "scopes",
        "moderator",
    }
)


def _role_word(name: str) -> bool:
    return name.lower() in _REQUEST_ROLE_WORDS


def _forbids(model: EdgeFunctionModel, cond: ts.Node) -> bool:
    """Whether the ``if`` of ``cond`` answers 401 or 403 (an access decision)."""
    stmt = cond.parent
    cons = stmt.child_by_field_name("consequence") if stmt is not None else None
    if cons is None:
        return False
    returns = (
        [cons]
        if cons.type == "return_statement"
        else model.parsed.of_type("return_statement", within=cons)
    )
    return any(
        ret.named_children and response_status(model, ret.named_children[0]) in (401, 403)
        for ret in returns
    )
