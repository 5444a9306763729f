"""RLS024: users can add themselves to any team/organization (with any role)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.facts import (
    OWNER_COLUMN,
    function_facts,
    policy_for_statement,
    policy_reaches_api,
    privileged_columns,
)
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import (
    called_functions,
    column_names,
    format_qualname,
    qualname_of_names,
    source_tables,
    sublinks,
)
from agents.sql.context import SqlRuleContext
from agents.sql.model import Catalog, QualName, Table

_AUTH_USERS = ("auth", "users")


def grants_access(cat: Catalog, table: QualName, groups: list[str] | None = None) -> bool:
    """True when other tables' policies read ``table`` to decide access (directly or
    through a function): it is an access-control table such as memberships.

    With ``groups``, a policy's sub-select must hand back one of those columns
    (``team_id in (select team_id from memberships where user_id = auth.uid())``):
    a parent object's own id (``document_id in (select id from documents where
    created_by = auth.uid())``) makes it an owned parent, not a membership.
    """
    for policy in cat.policies.values():
        if policy.table == table:
            continue
        for expr in (policy.using, policy.with_check):
            if expr is None:
                continue
            for link in sublinks(expr):
                subselect = link.get("subselect")
                if table not in source_tables(subselect):
                    continue
                if groups is None or _selected_columns(subselect) & set(groups):
                    return True
            for name in called_functions(expr):
                fn = cat.functions.get(qualname_of_names(name.split(".")))
                if fn is not None and table in function_facts(fn, cat).reads:
                    return True
    return False


def _selected_columns(subselect: Any) -> set[str]:
    """Columns a sub-select hands back (its target list, both sides of a UNION)."""
    out: set[str] = set()
    first = subselect.get("SelectStmt") if isinstance(subselect, dict) else None
    stack = [first] if isinstance(first, dict) else []
    while stack:
        select = stack.pop()
        for target in select.get("targetList") or []:
            out |= column_names((target.get("ResTarget") or {}).get("val"))
        stack.extend(x for x in (select.get("larg"), select.get("rarg")) if isinstance(x, dict))
    return out


def group_columns(table: Table) -> list[str]:
    """FK columns to something other than auth.users (the team/org the row joins)."""
    out: list[str] = []
    for fk in table.foreign_keys:
        if fk.ref_table != _AUTH_USERS and len(fk.columns) == 1:
            out.append(fk.columns[0])
    return out


def user_columns(table: Table) -> list[str]:
    """Columns naming the member (FK to auth.users, or an owner-like name)."""
    out = [
        fk.columns[0]
        for fk in table.foreign_keys
        if fk.ref_table == _AUTH_USERS and len(fk.columns) == 1
    ]
    return out or [c for c in table.columns if OWNER_COLUMN.match(c)]


class MembershipSelfInsert(RlsRule):
    """Users can insert themselves into any team, with any role.

    ## What it does
    Flags an INSERT (or ALL) policy on a membership table (a user column, a
    foreign key to a team/organization, and other tables' policies reading it
    to grant access) whose WITH CHECK only pins the user to ``auth.uid()``
    and never constrains the team (an invitation, the inviter's role…).

    ## Why is this bad?
    Any signed-in user can ``insert into team_memberships (team_id, user_id,
    role) values ('<any team>', auth.uid(), 'owner')`` and take over that
    team's data.

    ## Example
    ```sql
    create policy "join" on public.team_memberships for insert to authenticated
      with check (user_id = (select auth.uid()));
    ```

    ## Use instead
    ```sql
    -- memberships are created by owners/admins, or by a definer RPC that accepts an invitation
    create policy "admins add members" on public.team_memberships for insert to authenticated
      with check (public.team_role(team_id) in ('owner', 'admin'));
    ```

    ## References
    - https://supabase.com/docs/guides/database/postgres/row-level-security
    """

    code: ClassVar[str] = "RLS024"
    name: ClassVar[str] = "membership-self-insert"
    severity: ClassVar[Severity] = Severity.CRITICAL
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"AlterPolicyStmt", "CreatePolicyStmt"}
    )
    severity_reason: ClassVar[str] = "Any user can join any tenant and read or take over its data."

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt in ctx.statements_of("CreatePolicyStmt", "AlterPolicyStmt"):
            policy = policy_for_statement(ctx, stmt)
            if policy is None or policy.command not in ("insert", "all"):
                continue
            if not policy.permissive or not policy_reaches_api(policy):
                continue
            check = policy.with_check if policy.with_check is not None else policy.using
            if check is None:
                continue
            table = ctx.after.tables.get(policy.table)
            if table is None:
                continue
            groups = group_columns(table)
            users = user_columns(table)
            mentioned = column_names(check)
            if not groups or not users or not (set(users) & mentioned):
                continue
            if set(groups) & mentioned or called_functions(check) - {"auth.uid"}:
                continue
            if any(source_tables(link.get("subselect")) for link in sublinks(check)):
                continue  # a sub-select reading a table (not just auth.uid()) may constrain the row
            if not grants_access(ctx.after, policy.table, groups):
                continue
            roles = privileged_columns(table)
            extra = f" with any `{roles[0]}`" if roles else ""
            expr = stmt.node.get("with_check") or stmt.node.get("qual")
            yield self.finding(
                ctx.path,
                ctx.line_of(expr, stmt),
                f'Policy "{policy.name}" lets any signed-in user insert a '
                f"`{format_qualname(policy.table)}` row for themselves into any "
                f"`{groups[0]}`{extra}: joining (and taking over) other tenants.",
                "Let owners/admins add members (check the inviter's role on the target team), or "
                "accept invitations through a SECURITY DEFINER function that verifies them.",
            )
