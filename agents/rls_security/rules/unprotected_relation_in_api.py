"""RLS014: a materialized view or foreign table in an exposed schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.facts import reach, user_owned
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import format_qualname, qualname_of_rangevar
from agents.sql.context import SqlRuleContext

_AUTH_USERS = ("auth", "users")


class UnprotectedRelationInApi(RlsRule):
    """Materialized view or foreign table served by the API.

    ## What it does
    Flags a materialized view (over user-owned or RLS tables) or a foreign
    table the PR creates in an exposed schema while ``anon`` or
    ``authenticated`` can select it (splinter ``materialized_view_in_api``,
    ``foreign_table_in_api``).

    ## Why is this bad?
    Neither supports RLS: everything in them is readable by every API caller.
    A materialized view is a snapshot of rows that the source tables' policies
    would have hidden.

    ## Example
    ```sql
    create materialized view public.order_totals as
      select user_id, sum(total) from public.orders group by user_id;
    ```

    ## Use instead
    ```sql
    create materialized view private.order_totals as
      select user_id, sum(total) from public.orders group by user_id;
    revoke all on private.order_totals from anon, authenticated;
    ```

    ## References
    - https://supabase.com/docs/guides/database/database-advisors?lint=0016_materialized_view_in_api
    - https://supabase.com/docs/guides/database/database-advisors?lint=0017_foreign_table_in_api
    """

    code: ClassVar[str] = "RLS014"
    name: ClassVar[str] = "unprotected-relation-in-api"
    severity: ClassVar[Severity] = Severity.MEDIUM
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"CreateForeignTableStmt", "CreateTableAsStmt"}
    )
    severity_reason: ClassVar[str] = (
        "No RLS is possible, but the content is usually aggregated or external, not raw user rows."
    )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt in ctx.statements_of("CreateTableAsStmt", "CreateForeignTableStmt"):
            if stmt.kind == "CreateForeignTableStmt":
                name = qualname_of_rangevar((stmt.node.get("base") or {}).get("relation"))
                table = ctx.after.tables.get(name)
                if table is None or table.kind != "foreign" or not ctx.after.is_exposed(name[0]):
                    continue
                exposure = reach(ctx.after, name, ("SELECT",))
                what = "Foreign table"
            else:
                if stmt.node.get("objtype") != "OBJECT_MATVIEW":
                    continue
                name = qualname_of_rangevar((stmt.node.get("into") or {}).get("rel"))
                view = ctx.after.views.get(name)
                if (
                    view is None
                    or not ctx.after.is_exposed(name[0])
                    or _AUTH_USERS in view.source_tables
                ):
                    continue
                sources = [ctx.after.tables.get(s) for s in view.source_tables]
                if not any(t is not None and (t.rls_enabled or user_owned(t)) for t in sources):
                    continue
                exposure = reach(ctx.after, name, ("SELECT",))
                what = "Materialized view"
            fix = (
                "Create it in an unexposed schema (e.g. `private`) or revoke select from anon, "
                "authenticated and serve it through a checked function."
            )
            if not exposure.reachable:
                yield self.finding(
                    ctx.path,
                    stmt.line,
                    f"{what} `{format_qualname(name)}` is in an exposed schema and cannot have "
                    "RLS. No grant lets anon or authenticated select it yet: keep it that way, "
                    "or move it out of the exposed schema.",
                    fix,
                    severity=Severity.LOW,
                )
                continue
            yield self.finding(
                ctx.path,
                stmt.line,
                f"{what} `{format_qualname(name)}` is in an exposed schema and cannot have RLS: "
                f"{exposure.who} can read all of it{exposure.because()}.",
                fix,
            )
