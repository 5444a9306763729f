"""RLS011: ``auth.role() = 'authenticated'`` as the only guard on per-user data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.facts import policy_for_statement, policy_reaches_api, user_owned
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import (
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


def is_role_check(expr: Any) -> bool:
    """``auth.role() = 'authenticated'`` (or the JWT's role claim, or "
    "``current_setting('role')``)."""
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
    ``role`` claim, or ``current_setting('role')``), possibly AND-ed with
    constants.

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
    severity_reason: ClassVar[str] = "Every signed-up user sees other users' or tenants' data."

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt in ctx.statements_of("CreatePolicyStmt", "AlterPolicyStmt"):
            policy = policy_for_statement(ctx, stmt)
            if policy is None or not policy.permissive or not policy_reaches_api(policy):
                continue
            table = ctx.after.tables.get(policy.table)
            if table is None or not user_owned(table):
                continue
            for expr in (stmt.node.get("qual"), stmt.node.get("with_check")):
                if expr is None:
                    continue
                parts = conjuncts(expr)
                if not any(is_role_check(p) for p in parts):
                    continue
                if not all(is_role_check(p) or is_constant_true(p) for p in parts):
                    continue
                severity = Severity.HIGH if policy.command == "select" else Severity.CRITICAL
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
