"""RLS011: ``auth.role() = 'authenticated'`` as the only guard on per-user data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.facts import (
    personal_columns,
    policy_for_statement,
    policy_reaches_api,
    sensitive_columns,
    states_public_intent,
    user_owned,
    widens_owner_scoped_reads,
)
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import (
    IDENTITY_FUNCTIONS,
    column_names,
    conjuncts,
    const_value,
    func_calls,
    is_constant_true,
    string_constants,
    strings,
)
from agents.sql.context import SqlRuleContext

_ROLES = ("authenticated", "anon")


def _is_role_read(side: Any) -> bool:
    for name, fields in func_calls(side):
        if name == "auth.role":
            return True
        if name == "current_setting":
            args = fields.get("args") or []
            if args and const_value(args[0]) == "role":
                return True
        if name == "auth.jwt" and any(t == "role" for t, _ in string_constants(side)):
            return True
    return False


def is_signed_in_test(expr: Any) -> bool:
    """``auth.uid() is not null`` (or ``(select auth.uid())``, ``auth.jwt() is not null``):
    true for every signed-in caller, whichever row is looked at."""
    if not isinstance(expr, dict) or "NullTest" not in expr:
        return False
    test = expr["NullTest"]
    if test.get("nulltesttype") != "IS_NOT_NULL":
        return False
    arg = test.get("arg")
    calls = {name for name, _ in func_calls(arg)}
    return bool(calls) and calls <= IDENTITY_FUNCTIONS and not column_names(arg)


def is_role_check(expr: Any) -> bool:
    """``auth.role() = 'authenticated'`` (or the JWT's role claim, or
    ``current_setting('role')``), or ``auth.uid() is not null``: conditions that
    only say the caller is signed in."""
    if is_signed_in_test(expr):
        return True
    if not isinstance(expr, dict) or "A_Expr" not in expr:
        return False
    a = expr["A_Expr"]
    if a.get("kind") != "AEXPR_OP" or strings(a.get("name")) != ["="]:
        return False
    left, right = a.get("lexpr"), a.get("rexpr")
    for role_side, value_side in ((left, right), (right, left)):
        if const_value(value_side) in _ROLES and _is_role_read(role_side):
            return True
    return False


class RoleOnlyGuard(RlsRule):
    """Signed-in is not authorised: a role check as the only guard.

    ## What it does
    Flags a permissive policy on a table with user-owned or per-tenant data
    whose condition is only ``auth.role() = 'authenticated'`` (or the JWT
    ``role`` claim, ``current_setting('role')`` or ``auth.uid() is not null``),
    possibly AND-ed with constants.

    ## Why is this bad?
    Anyone can sign up, so "authenticated" means "anyone with an e-mail
    address": every user reads (or writes) every other user's rows.

    ## Example
    ```sql
    create policy "logged in" on public.orders for select
      using (auth.role() = 'authenticated');
    ```

    ## Use instead
    ```sql
    create policy "own orders" on public.orders for select to authenticated
      using ((select auth.uid()) = user_id);
    ```

    ## References
    - https://supabase.com/docs/guides/database/postgres/row-level-security
    """

    code: ClassVar[str] = "RLS011"
    name: ClassVar[str] = "role-only-guard"
    severity: ClassVar[Severity] = Severity.HIGH
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"AlterPolicyStmt", "CreatePolicyStmt"}
    )
    severity_reason: ClassVar[str] = (
        "Every signed-up user sees other users' or tenants' data (critical for writes, and "
        "for reads that open personal rows another policy keeps private to their owner)."
    )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt in ctx.statements_of("CreatePolicyStmt", "AlterPolicyStmt"):
            policy = policy_for_statement(ctx, stmt)
            if policy is None or not policy.permissive or not policy_reaches_api(policy):
                continue
            table = ctx.after.tables.get(policy.table)
            if table is None or not user_owned(table):
                continue
            if (
                policy.command == "select"
                and not sensitive_columns(table)
                and states_public_intent(ctx, stmt, policy)
            ):
                continue  # "public posts are visible to every member": intended
            for expr in (stmt.node.get("qual"), stmt.node.get("with_check")):
                if expr is None:
                    continue
                parts = conjuncts(expr)
                if not any(is_role_check(p) for p in parts):
                    continue
                if not all(is_role_check(p) or is_constant_true(p) for p in parts):
                    continue
                # reads are critical when they open rows that another policy keeps
                # private to their owner (a user's notes, messages); high otherwise
                private = bool(personal_columns(table)) and widens_owner_scoped_reads(
                    ctx.after, policy
                )
                severity = (
                    Severity.HIGH
                    if policy.command == "select" and not private
                    else Severity.CRITICAL
                )
                yield self.finding(
                    ctx.path,
                    ctx.line_of(expr, stmt),
                    f'Policy "{policy.name}" only checks that the caller is signed in: every user '
                    f"can {policy.command if policy.command != 'all' else 'read and change'} "
                    "all rows "
                    f"of `{policy.table[0]}.{policy.table[1]}`.",
                    "Compare the row's owner or tenant column with the caller "
                    "(`(select auth.uid()) = user_id`).",
                    severity=severity,
                )
                break
