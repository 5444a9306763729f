"""RLS016: an API-callable SECURITY DEFINER function that never checks the caller."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.facts import (
    FunctionFacts,
    api_callable_definers,
    function_facts,
    publicly_readable,
    user_owned,
)
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import column_names, format_qualname
from agents.sql.context import SqlRuleContext
from agents.sql.model import Catalog, Function

_USER_PARAM = re.compile(
    r"(^|_)(user|uid|owner|sender|account|member|profile|customer)(_id)?$|^p_?uid$"
)


def unchecked_user_param(fn: Function, facts: FunctionFacts) -> str | None:
    """A user-id parameter that a write statement uses but nothing compares with
    the caller: no statement mentions it together with ``auth.uid()``/``auth.jwt()``
    (or a variable holding it), no IF condition tests it, the body does not
    overwrite it with the caller's id, and no helper function is called (it might
    check)."""
    if facts.body is None or not facts.writes or facts.calls_helpers:
        return None
    for param in fn.input_arg_names:
        if not _USER_PARAM.search(param.lower()) or param in facts.body.identity_vars:
            continue
        used_in_write = False
        checked = False
        for item in facts.body.statements:
            names = column_names(item.node)
            if param not in names:
                continue
            if item.is_expression or facts.body.mentions_identity(item):
                checked = True
                break
            if any(k in item.node for k in ("InsertStmt", "UpdateStmt", "DeleteStmt")):
                used_in_write = True
        if used_in_write and not checked:
            return param
    return None


def returns_rows(fn: Function, cat: Catalog) -> bool:
    """True when the function can hand rows back (set, table, record, JSON), not
    just a yes/no or a count."""
    returns = (fn.returns or "").removeprefix("setof ")
    if fn.returns and fn.returns.startswith("setof"):
        return True
    if "FUNC_PARAM_TABLE" in fn.arg_modes or returns in ("json", "jsonb", "record"):
        return True
    return any(f"{t[0]}.{t[1]}" == returns or t[1] == returns for t in cat.tables)


class DefinerRpcWithoutAuthz(RlsRule):
    """SECURITY DEFINER RPC that never checks who is calling.

    ## What it does
    Flags a ``SECURITY DEFINER`` function in an exposed schema that ``anon`` or
    ``authenticated`` can execute (functions get EXECUTE for PUBLIC by
    default) and whose body writes data (INSERT/UPDATE/DELETE) without ever
    reading ``auth.uid()``/``auth.jwt()`` (directly or through a helper).  A
    definer function taking a user id parameter and returning user-owned rows
    without such a check is flagged too, as is one reading
    ``auth.users`` without it; and so is one that does read
    ``auth.uid()`` but writes rows picked by a user id parameter it never
    compares with it.  Trigger functions and bodies
    that call functions the model cannot see into are left alone.

    ## Why is this bad?
    SECURITY DEFINER bypasses RLS.  Exposed as ``/rest/v1/rpc/<name>``, the
    function is callable by anyone with the anon key, with any arguments:
    ``transfer_credits(sender => '<victim>', …)`` moves someone else's money.

    ## Example
    ```sql
    create function public.transfer_credits(sender uuid, recipient uuid, amount int)
    returns void language plpgsql security definer set search_path = '' as $$
    begin
      update public.credit_balances set balance = balance - amount where user_id = sender;
      update public.credit_balances set balance = balance + amount where user_id = recipient;
    end $$;
    ```

    ## Use instead
    ```sql
    create function public.transfer_credits(recipient uuid, amount int)
    returns void language plpgsql security definer set search_path = '' as $$
    begin
      if amount <= 0 then raise exception 'amount must be positive'; end if;
      update public.credit_balances set balance = balance - amount
       where user_id = (select auth.uid());
      update public.credit_balances set balance = balance + amount where user_id = recipient;
    end $$;
    revoke execute on function public.transfer_credits(uuid, int) from public, anon;
    grant execute on function public.transfer_credits(uuid, int) to authenticated;
    ```

    ## References
    - https://supabase.com/docs/guides/database/functions#security-definer-vs-invoker
    - https://supabase.com/docs/guides/database/database-advisors?lint=0028_anon_security_definer_function_executable
    """

    code: ClassVar[str] = "RLS016"
    name: ClassVar[str] = "definer-rpc-without-authz"
    severity: ClassVar[Severity] = Severity.CRITICAL
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"AlterFunctionStmt", "CreateFunctionStmt"}
    )
    severity_reason: ClassVar[str] = (
        "Anyone can change, or read, other users' data through the RPC: the function bypasses "
        "RLS and takes whatever user id the caller passes."
    )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt, fn, roles in api_callable_definers(ctx):
            facts = function_facts(fn, ctx.after)
            if facts.opaque or facts.calls_unknown:
                continue
            if facts.checks_identity:
                param = unchecked_user_param(fn, facts)
                if param is not None:
                    yield self.finding(
                        ctx.path,
                        stmt.line,
                        f"`{format_qualname(fn.qualname)}` is SECURITY DEFINER, callable by "
                        f"{' and '.join(sorted(roles))}, and writes rows chosen by its `{param}` "
                        "parameter without ever comparing it with auth.uid(): callers can act "
                        "on other users' rows.",
                        f"Use `(select auth.uid())` instead of `{param}`, or raise when "
                        f"`{param} <> (select auth.uid())`.",
                    )
                continue
            who = " and ".join(sorted(roles))
            if facts.writes:
                targets = sorted({format_qualname(t) for t, _ in facts.writes})
                yield self.finding(
                    ctx.path,
                    stmt.line,
                    f"`{format_qualname(fn.qualname)}` is SECURITY DEFINER (bypasses RLS), "
                    "callable "
                    f"by {who} over /rest/v1/rpc, and writes {', '.join(targets)} without checking "
                    "auth.uid(): anyone can act on other users' rows with arguments of their "
                    "choice.",
                    "Derive the acting user from `(select auth.uid())` instead of a parameter, "
                    "check "
                    "ownership before writing, and `revoke execute … from public, anon`.",
                )
                continue
            user_params = [p for p in fn.input_arg_names if _USER_PARAM.search(p.lower())]
            read_tables = [ctx.after.tables.get(t) for t in facts.reads]
            owned = [
                t
                for t in read_tables
                if t is not None
                and t.rls_enabled
                and user_owned(t)
                and not publicly_readable(ctx.after, t.qualname)
            ]
            if ("auth", "users") in facts.reads:
                yield self.finding(
                    ctx.path,
                    stmt.line,
                    f"`{format_qualname(fn.qualname)}` is SECURITY DEFINER, callable by {who}, and "
                    "reads auth.users without checking auth.uid(): any caller can read other "
                    "users' account data.",
                    "Return only the caller's own data (filter on `(select auth.uid())`), or "
                    "revoke execute from anon and authenticated.",
                )
            elif user_params and owned and returns_rows(fn, ctx.after):
                yield self.finding(
                    ctx.path,
                    stmt.line,
                    f"`{format_qualname(fn.qualname)}` is SECURITY DEFINER, callable by {who}, "
                    "takes "
                    f"`{user_params[0]}` and reads {format_qualname(owned[0].qualname)} without "
                    "checking auth.uid(): any caller can read another user's rows.",
                    "Use `(select auth.uid())` instead of the user parameter, or make the function "
                    "SECURITY INVOKER so RLS applies.",
                )
