"""RLS009: a policy or function that lets callers through when ``auth.uid()`` is null."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.facts import function_for_statement, policy_for_statement
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import disjuncts, references_identity, walk
from agents.sql.body import body_sql
from agents.sql.context import SqlRuleContext


def null_identity_branches(expr: Any) -> Iterator[dict[str, Any]]:
    """``auth.uid() IS NULL`` (or jwt/claims) tests that are one branch of an OR."""
    for kind, fields in walk(expr):
        if kind != "BoolExpr" or fields.get("boolop") != "OR_EXPR":
            continue
        for branch in disjuncts({"BoolExpr": fields}):
            if not isinstance(branch, dict) or "NullTest" not in branch:
                continue
            test = branch["NullTest"]
            if test.get("nulltesttype") == "IS_NULL" and references_identity(test.get("arg")):
                yield test


def skipped_guard(expr: Any) -> Iterator[dict[str, Any]]:
    """``IF auth.uid() IS NOT NULL AND … THEN raise``: a guard that anon skips."""
    for kind, fields in walk(expr):
        if kind != "BoolExpr" or fields.get("boolop") != "AND_EXPR":
            continue
        for arg in fields.get("args") or []:
            test = arg.get("NullTest") if isinstance(arg, dict) else None
            if (
                test
                and test.get("nulltesttype") == "IS_NOT_NULL"
                and references_identity(test.get("arg"))
            ):
                yield test


class NullUidBypass(RlsRule):
    """Anonymous callers pass when ``auth.uid()`` is null.

    ## What it does
    Flags ``auth.uid() IS NULL OR …`` (and the same with ``auth.jwt()`` or the
    JWT claims setting) in a policy condition or in a function body the PR
    adds or changes.

    ## Why is this bad?
    For a signed-out caller (the anon key) ``auth.uid()`` *is* null, so the
    whole condition is true: the branch meant for "internal calls" or "the
    service role" opens every row to anyone on the internet.

    ## Example
    ```sql
    create policy "own or system" on public.orders for select
      using (auth.uid() is null or user_id = auth.uid());
    ```

    ## Use instead
    ```sql
    create policy "own orders" on public.orders for select to authenticated
      using ((select auth.uid()) = user_id);
    -- server-side jobs use the service role, which bypasses RLS anyway
    ```

    ## References
    - https://supabase.com/docs/guides/database/postgres/row-level-security#authuid-returns-null
    """

    code: ClassVar[str] = "RLS009"
    name: ClassVar[str] = "null-uid-bypass"
    severity: ClassVar[Severity] = Severity.CRITICAL
    severity_reason: ClassVar[str] = "Signed-out visitors get the access meant for trusted callers."

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt in ctx.statements_of("CreatePolicyStmt", "AlterPolicyStmt"):
            policy = policy_for_statement(ctx, stmt)
            if policy is None:
                continue
            for expr in (stmt.node.get("qual"), stmt.node.get("with_check")):
                for branch in null_identity_branches(expr):
                    yield self.finding(
                        ctx.path,
                        ctx.line_of(branch, stmt),
                        f'Policy "{policy.name}" is true whenever auth.uid() is null, which is '
                        "exactly the case for signed-out (anon) callers.",
                        "Drop the null branch; trusted server code uses the service role, which "
                        "bypasses RLS.",
                    )
                    break
        for stmt in ctx.statements_of("CreateFunctionStmt"):
            fn = function_for_statement(ctx, stmt)
            body = body_sql(fn) if fn is not None else None
            if fn is None or body is None:
                continue
            for item in body.statements:
                found: list[dict[str, Any]] = list(null_identity_branches(item.node))
                if not found and item.is_expression:
                    found = list(skipped_guard(item.node))
                test = found[0] if found else None
                if test is not None:
                    yield self.finding(
                        ctx.path,
                        item.line_of(test),
                        f"`{fn.schema}.{fn.name}` lets the check pass when auth.uid() is null, "
                        "i.e. for signed-out callers.",
                        "Treat a null auth.uid() as 'not allowed' (raise), never as 'skip the "
                        "check'.",
                    )
                    break
