"""RLS015: a SECURITY DEFINER function without a fixed ``search_path``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.facts import function_for_statement
from agents.rls_security.rules._base import RlsRule
from agents.sql.context import SqlRuleContext


def _declares_definer(options: list[Any]) -> bool:
    for opt in options:
        d = opt.get("DefElem", {}) if isinstance(opt, dict) else {}
        if d.get("defname") == "security" and (d.get("arg") or {}).get("Boolean", {}).get(
            "boolval"
        ):
            return True
    return False


class DefinerSearchPath(RlsRule):
    """SECURITY DEFINER function with a mutable ``search_path``.

    ## What it does
    Flags a function the PR creates or alters that is ``SECURITY DEFINER`` and
    has no ``SET search_path`` of its own (splinter
    ``function_search_path_mutable``).

    ## Why is this bad?
    The function runs with its owner's rights but resolves unqualified names
    through the *caller's* ``search_path``: a caller who can create objects in
    a schema earlier on the path can substitute a table or function and run
    code as the owner.

    ## Example
    ```sql
    create function public.team_role(p_team uuid) returns text
    language sql stable security definer
    as $$ select role from team_memberships where team_id = p_team and user_id = auth.uid() $$;
    ```

    ## Use instead
    ```sql
    create function public.team_role(p_team uuid) returns text
    language sql stable security definer set search_path = ''
    as $$ select role from public.team_memberships
          where team_id = p_team and user_id = (select auth.uid()) $$;
    ```

    ## References
    - https://supabase.com/docs/guides/database/database-advisors?lint=0011_function_search_path_mutable
    - https://www.postgresql.org/docs/current/sql-createfunction.html#SQL-CREATEFUNCTION-SECURITY
    """

    code: ClassVar[str] = "RLS015"
    name: ClassVar[str] = "definer-search-path-mutable"
    severity: ClassVar[Severity] = Severity.MEDIUM
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"AlterFunctionStmt", "CreateFunctionStmt"}
    )
    severity_reason: ClassVar[str] = (
        "Exploiting it needs the ability to create objects on the caller's search_path."
    )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt in ctx.statements_of("CreateFunctionStmt", "AlterFunctionStmt"):
            fn = function_for_statement(ctx, stmt)
            if fn is None or not fn.security_definer or fn.search_path is not None:
                continue
            key = "options" if stmt.kind == "CreateFunctionStmt" else "actions"
            if not _declares_definer(stmt.node.get(key) or []):
                continue  # judged at the statement that makes it SECURITY DEFINER
            redefined_later = (
                fn.origin is not None and fn.origin.path == ctx.path and fn.origin.line != stmt.line
            )
            if redefined_later and stmt.kind == "CreateFunctionStmt":
                continue  # a later statement of this file redefines it and is judged instead
            yield self.finding(
                ctx.path,
                stmt.line,
                f"`{fn.schema}.{fn.name}` is SECURITY DEFINER without `set search_path`: "
                "unqualified names resolve through the caller's search_path (hijackable).",
                "Add `set search_path = ''` and schema-qualify every table and function in the "
                "body.",
            )
