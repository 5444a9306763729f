"""RLS025: an UPDATE policy for one party of a shared row that lets them rewrite the other's "
"columns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.facts import column_updaters, policy_for_statement, policy_table_line
from agents.rls_security.rules._base import RlsRule
from agents.rls_security.rules.self_update_privileged_columns import is_self_update
from agents.sql.ast import column_names, format_qualname
from agents.sql.context import SqlRuleContext
from agents.sql.model import Catalog, Policy, Table

_AUTH_USERS = ("auth", "users")


def other_party_columns(cat: Catalog, table: Table, policy: Policy) -> list[str]:
    """User-reference columns the updater does not own and nothing protects."""
    if any(
        t.table == table.qualname and t.timing == "before" and "update" in t.events
        for t in cat.triggers.values()
    ):
        return []
    user_cols = [
        fk.columns[0]
        for fk in table.foreign_keys
        if fk.ref_table == _AUTH_USERS and len(fk.columns) == 1
    ]
    matched = column_names(policy.using)
    if len(user_cols) < 2 or not set(user_cols) & matched:
        return []
    pinned = column_names(policy.with_check) if policy.with_check is not None else matched
    out: list[str] = []
    for col in user_cols:
        if col in matched or col in pinned:
            continue
        if column_updaters(cat, table.qualname, col) & {"authenticated", "public"}:
            out.append(col)
    return out


class UpdatePolicyOtherParty(RlsRule):
    """UPDATE policy lets one party of a shared row rewrite the other party's columns.

    ## What it does
    Flags an UPDATE (or ALL) policy on a row shared by two users (two foreign
    keys to ``auth.users``, such as ``sender_id`` and ``recipient_id``) that
    lets one of them update the row while the other's column (and the content
    they wrote) stays updatable: no column grant, no pinning WITH CHECK, no
    BEFORE UPDATE trigger.

    ## Why is this bad?
    RLS picks rows, not columns.  A recipient allowed to "mark as read" can
    also rewrite the body and ``sender_id``: messages, reviews or transfers
    can be forged in someone else's name.

    ## Example
    ```sql
    create policy "mark read" on public.direct_messages for update to authenticated
      using ((select auth.uid()) = recipient_id);
    ```

    ## Use instead
    ```sql
    revoke update on public.direct_messages from authenticated;
    grant update (read_at) on public.direct_messages to authenticated;
    ```

    ## References
    - https://supabase.com/docs/guides/database/postgres/column-level-security
    """

    code: ClassVar[str] = "RLS025"
    name: ClassVar[str] = "update-policy-other-party-columns"
    severity: ClassVar[Severity] = Severity.MEDIUM
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"AlterPolicyStmt", "CreatePolicyStmt"}
    )
    severity_reason: ClassVar[str] = (
        "Forgery of another user's content; limited to rows the updater already shares."
    )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt in ctx.statements_of("CreatePolicyStmt", "AlterPolicyStmt"):
            policy = policy_for_statement(ctx, stmt)
            if policy is None or not is_self_update(policy):
                continue
            table = ctx.after.tables.get(policy.table)
            if table is None:
                continue
            cols = other_party_columns(ctx.after, table, policy)
            if not cols:
                continue
            yield self.finding(
                ctx.path,
                policy_table_line(ctx, stmt),
                f'Policy "{policy.name}" lets one party update whole rows of '
                f"`{format_qualname(policy.table)}`, including {', '.join(f'`{c}`' for c in cols)} "
                "and the content the other party wrote: rows can be forged.",
                "Grant UPDATE only on the columns this party may change "
                "(`revoke update …; grant update (read_at) …`), or use an RPC.",
            )
