"""RLS017: an RPC that adds or subtracts a caller-supplied amount without checking it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.facts import api_executable, function_for_statement
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import column_names, format_qualname, strings, walk
from agents.sql.body import FunctionBody, body_sql
from agents.sql.context import SqlRuleContext

_NUMERIC = frozenset(
    {"int2", "int4", "int8", "numeric", "float4", "float8", "money", "integer", "bigint"}
)
_COMPARE = frozenset({"<", ">", "<=", ">=", "<>", "!="})


def _compared(body: FunctionBody, param: str) -> bool:
    """True when ``param`` appears in any ordering comparison, BETWEEN, or a
    greatest/least/abs call in the body."""
    for kind, fields, _ in body.nodes():
        if kind == "A_Expr":
            op = strings(fields.get("name"))
            ordering = bool(op) and op[0] in _COMPARE
            between = str(fields.get("kind", "")).startswith("AEXPR_BETWEEN")
            sides = column_names(fields.get("lexpr")) | column_names(fields.get("rexpr"))
            if (ordering or between) and param in sides:
                return True
        if kind == "FuncCall":
            name = ".".join(strings(fields.get("funcname")))
            if name in ("greatest", "least", "abs") and param in column_names(fields.get("args")):
                return True
    return False


def _arithmetic_sets(node: Any, param: str) -> Iterator[dict[str, Any]]:
    """``col = col ± param`` targets of an UPDATE."""
    for kind, fields in walk(node):
        if kind != "UpdateStmt":
            continue
        for target in fields.get("targetList") or []:
            val = (target.get("ResTarget") or {}).get("val") or {}
            a = val.get("A_Expr")
            if not a or strings(a.get("name")) not in (["+"], ["-"]):
                continue
            if param in column_names(a.get("lexpr")) | column_names(a.get("rexpr")):
                yield a


class RpcUnvalidatedAmount(RlsRule):
    """RPC moves a caller-supplied amount without checking its sign.

    ## What it does
    Flags an API-callable ``SECURITY DEFINER`` function whose body does
    ``set col = col ± <numeric parameter>`` while never comparing that
    parameter (``amount > 0``, ``BETWEEN``, ``greatest``…).

    ## Why is this bad?
    A negative amount reverses the operation: a "transfer" pulls credits from
    the recipient, a "redeem" adds balance.  CHECK constraints on the balance
    rarely catch it.

    ## Example
    ```sql
    update public.credit_balances set balance = balance - amount where user_id = sender;
    ```

    ## Use instead
    ```sql
    if amount is null or amount <= 0 then
      raise exception 'amount must be positive' using errcode = '22023';
    end if;
    ```

    ## References
    - https://supabase.com/docs/guides/database/functions
    """

    code: ClassVar[str] = "RLS017"
    name: ClassVar[str] = "rpc-unvalidated-amount"
    severity: ClassVar[Severity] = Severity.MEDIUM
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset({"CreateFunctionStmt"})
    severity_reason: ClassVar[str] = (
        "A logic flaw that moves value the wrong way; it needs a crafted call."
    )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt in ctx.statements_of("CreateFunctionStmt"):
            fn = function_for_statement(ctx, stmt)
            if fn is None or not fn.security_definer or not api_executable(ctx.after, fn):
                continue
            body = body_sql(fn)
            if body is None:
                continue
            for i, param in enumerate(fn.arg_names):
                if not param or i >= len(fn.arg_types) or fn.arg_types[i] not in _NUMERIC:
                    continue
                if _compared(body, param):
                    continue
                hit = next(
                    (
                        (item, a)
                        for item in body.statements
                        for a in _arithmetic_sets(item.node, param)
                    ),
                    None,
                )
                if hit is None:
                    continue
                item, expr = hit
                yield self.finding(
                    ctx.path,
                    item.line_of(expr),
                    f"`{format_qualname(fn.qualname)}` adds/subtracts `{param}` without "
                    "checking it: "
                    "a negative value reverses the operation.",
                    f"Reject `{param} <= 0` (and null) before any write.",
                )
