"""RLS030: the PR's code queries a new table that no API role is granted."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import format_qualname, qualname_of_rangevar
from agents.sql.context import SqlRuleContext
from agents.ts.app_code import code_files, files_querying

API_ROLES = ("anon", "authenticated", "service_role", "public")
DATA_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")
MAX_FILES_NAMED = 3


class TableQueriedNotGranted(RlsRule):
    """A new table the application already queries, granted to no API role.

    ## What it does
    Flags a table the PR creates in an exposed schema when, after the PR, none of
    `anon`, `authenticated` and `service_role` holds SELECT, INSERT, UPDATE or
    DELETE on it, while application code in the repository (front end or Edge
    Functions) queries it through supabase-js (`.from("table")`).  The finding
    names the files.

    ## Why is this bad?
    Since 2026-10-30 hosted Supabase no longer grants new tables in `public` to
    the API roles: a table is reachable through the Data API only once a
    migration grants it.  Without that grant every query the PR's code makes
    fails with `permission denied for table …` (PostgREST 401/403) in
    production, though it may work locally on a project still under the old
    defaults.  The service-role key is no exception: `service_role` needs the
    grant too.

    ## Example
    ```sql
    -- 20261201090000_todos.sql
    create table public.todos (id bigint primary key, owner uuid not null, title text);
    alter table public.todos enable row level security;
    create policy "own todos" on public.todos for all to authenticated
      using ((select auth.uid()) = owner);
    ```
    ```ts
    const { data } = await supabase.from("todos").select("id, title");
    ```

    ## Use instead
    ```sql
    grant select, insert, update, delete on public.todos to authenticated;
    ```

    ## References
    - Supabase changelog, 2026-04-28: tables no longer exposed to the Data API automatically
    - https://supabase.com/docs/guides/api/securing-your-api
    """

    code: ClassVar[str] = "RLS030"
    name: ClassVar[str] = "table-queried-not-granted"
    severity: ClassVar[Severity] = Severity.MEDIUM
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset({"CreateStmt"})
    severity_reason: ClassVar[str] = (
        "A broken feature, not a leak: every query of the table fails until it is granted."
    )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        ws = ctx.workspace
        if ws is None or not ws.has_repo:
            return
        for stmt in ctx.statements_of("CreateStmt"):
            name = qualname_of_rangevar(stmt.node.get("relation"))
            if ctx.existed_before_statement("table", name, stmt):
                continue
            table = ctx.after.tables.get(name)
            if table is None or not ctx.after.is_exposed(name[0]):
                continue
            granted = set().union(*(ctx.after.grantees("table", name, p) for p in DATA_PRIVILEGES))
            if granted & set(API_ROLES):
                continue
            if not ws.cached("app-code:head", lambda: code_files(ws.head)):
                return
            users = ws.cached(
                f"app-queries:{name[1]}:head", partial(files_querying, ws, "head", name[1])
            )
            if not users:
                continue
            shown = ", ".join(f"`{p}`" for p in users[:MAX_FILES_NAMED])
            more = (
                f" and {len(users) - MAX_FILES_NAMED} more" if len(users) > MAX_FILES_NAMED else ""
            )
            verb = "queries" if len(users) == 1 else "query"
            yield self.finding(
                ctx.path,
                stmt.line,
                f"{shown}{more} {verb} `{format_qualname(name)}` through the Data API, but no "
                "migration grants it to anon, authenticated or service_role (new tables are "
                "no longer granted to them by default since 2026-10-30): those queries fail "
                f'with "permission denied for table {name[1]}".',
                f"Grant what the callers need, e.g. `grant select, insert, update, delete on "
                f"{format_qualname(name)} to authenticated;` (and to service_role for Edge "
                "Functions using the service key), with RLS policies deciding which rows.",
            )
