"""EDGE015: an authorisation decision read from ``user_metadata``."""

from __future__ import annotations

from collections.abc import Iterator

from agents.edge_reliability.context import EdgeRule
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext
from agents.ts.parse import line_of, node_text

_DECISIONS = ("if_statement", "binary_expression", "ternary_expression", "switch_statement")
_ROLE_WORDS = ("role", "admin", "plan", "tier", "permission", "is_", "isadmin", "staff", "org")


class UserMetadataAuthorization(EdgeRule):
    """Flag role or permission checks that read ``user.user_metadata``.

    ## What it does
    Reports a condition (``if``, comparison, ternary, ``switch``) on a
    ``user_metadata`` field that looks like a role, plan or permission.

    ## Why is this bad?
    ``user_metadata`` is writable by the user themself
    (``supabase.auth.updateUser({ data: { role: "admin" } })``), so anyone can
    grant themselves the role. Use ``app_metadata`` (server-only) or a table.

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
    runs_on_partial_files = True
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
