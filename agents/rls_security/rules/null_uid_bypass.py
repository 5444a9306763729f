"""RLS009: a policy or function that lets callers through when ``auth.uid()`` is null."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, ClassVar

from pglast import parser as pg_parser

from agents.findings import Finding, Severity
from agents.rls_security.facts import function_for_statement, policy_for_statement
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import column_refs, disjuncts, references_identity, walk
from agents.sql.body import body_sql
from agents.sql.context import SqlRuleContext
from agents.sql.model import Function

_IDENTITY_SOURCE = r"\(?\s*(?:select\s+)?auth\.(?:uid|jwt)\s*\(\s*\)"
_IDENTITY_VAR = (
    # v_uid uuid := auth.uid();   v_uid := (select auth.uid());   v_uid uuid default auth.uid();
    re.compile(
        rf"\b([a-z_][a-z0-9_]*)\s+[a-z_][a-z0-9_.]*\s*(?::=|=|default)\s*{_IDENTITY_SOURCE}", re.I
    ),
    re.compile(rf"\b([a-z_][a-z0-9_]*)\s*:=\s*{_IDENTITY_SOURCE}", re.I),
    # select auth.uid() into v_uid;
    re.compile(rf"{_IDENTITY_SOURCE}\s*\)?\s+into\s+([a-z_][a-z0-9_]*)", re.I),
)


def identity_variables(source: str | None) -> frozenset[str]:
    """plpgsql variables that hold the caller's id (``v_uid := auth.uid()``)."""
    if not source:
        return frozenset()
    return frozenset(m.group(1).lower() for pat in _IDENTITY_VAR for m in pat.finditer(source))


_ERROR_LEVEL = 21
"""pglast's elog level of ``RAISE EXCEPTION`` (NOTICE and WARNING are lower)."""


def _denies(stmts: Any) -> bool:
    for stmt in stmts or []:
        if not isinstance(stmt, dict):
            continue
        raise_ = stmt.get("PLpgSQL_stmt_raise")
        if raise_ is not None and int(raise_.get("elog_level", _ERROR_LEVEL)) >= _ERROR_LEVEL:
            return True
        if "PLpgSQL_stmt_return" in stmt:
            return True
    return False


def if_outcomes(fn: Function) -> dict[str, bool]:
    """Condition text of each plpgsql ``IF``/``ELSIF`` → True when its branch raises an
    exception or returns (the condition describes who is refused), False when it goes on
    to do the work (the condition describes who is let through)."""
    if fn.language != "plpgsql" or not fn.definition:
        return {}
    try:
        tree = json.loads(pg_parser.parse_plpgsql_json(fn.definition))
    except (pg_parser.ParseError, ValueError):
        return {}
    out: dict[str, bool] = {}
    for kind, fields in walk(tree):
        if kind not in ("PLpgSQL_stmt_if", "PLpgSQL_if_elsif"):
            continue
        query = ((fields.get("cond") or {}).get("PLpgSQL_expr") or {}).get("query")
        if isinstance(query, str):
            body = fields.get("then_body") if kind == "PLpgSQL_stmt_if" else fields.get("stmts")
            out[query.strip()] = _denies(body)
    return out


def _is_identity(node: Any, variables: frozenset[str]) -> bool:
    if references_identity(node):
        return True
    if not variables or not isinstance(node, dict) or "ColumnRef" not in node:
        return False
    refs = [parts for parts, _ in column_refs(node)]
    return len(refs) == 1 and len(refs[0]) == 1 and refs[0][0].lower() in variables


def null_identity_branches(
    expr: Any, variables: frozenset[str] = frozenset()
) -> Iterator[dict[str, Any]]:
    """``auth.uid() IS NULL`` (or jwt/claims, or a variable holding it) tests that are
    one branch of an OR."""
    for kind, fields in walk(expr):
        if kind != "BoolExpr" or fields.get("boolop") != "OR_EXPR":
            continue
        for branch in disjuncts({"BoolExpr": fields}):
            if not isinstance(branch, dict) or "NullTest" not in branch:
                continue
            test = branch["NullTest"]
            if test.get("nulltesttype") == "IS_NULL" and _is_identity(test.get("arg"), variables):
                yield test


def skipped_guard(expr: Any, variables: frozenset[str] = frozenset()) -> Iterator[dict[str, Any]]:
    """``IF auth.uid() IS NOT NULL AND … THEN raise``: a guard that anon skips."""
    for kind, fields in walk(expr):
        if kind != "BoolExpr" or fields.get("boolop") != "AND_EXPR":
            continue
        for arg in fields.get("args") or []:
            test = arg.get("NullTest") if isinstance(arg, dict) else None
            if (
                test
                and test.get("nulltesttype") == "IS_NOT_NULL"
                and _is_identity(test.get("arg"), variables)
            ):
                yield test


class NullUidBypass(RlsRule):
    """Anonymous callers pass when ``auth.uid()`` is null.

    ## What it does
    Flags ``auth.uid() IS NULL OR …`` (and the same with ``auth.jwt()`` or the
    JWT claims setting) in a policy condition or in a function body the PR
    adds or changes, and a plpgsql guard ``IF auth.uid() IS NOT NULL AND … THEN
    RAISE`` that signed-out callers skip.  In plpgsql a variable assigned from
    ``auth.uid()`` counts as the uid, and an ``IF … IS NULL OR … THEN RAISE``
    (refusing signed-out callers) is correct and not flagged.

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
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"AlterPolicyStmt", "CreateFunctionStmt", "CreatePolicyStmt"}
    )
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
            variables = identity_variables(fn.definition or fn.body)
            outcomes = if_outcomes(fn)
            for item in body.statements:
                # an IF that raises when the uid is null refuses anon (correct); an IF
                # that does the work when the uid is not null does not guard anything
                denies = (
                    outcomes.get(item.text[item.offset :].strip()) if item.is_expression else None
                )
                found: list[dict[str, Any]] = []
                if denies is not True:
                    found = list(null_identity_branches(item.node, variables))
                if not found and item.is_expression and denies is not False:
                    found = list(skipped_guard(item.node, variables))
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
