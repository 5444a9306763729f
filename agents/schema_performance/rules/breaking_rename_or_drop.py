"""MIG011: renaming or dropping a table or column that deployed code may still use."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules._base import PerfRule
from agents.schema_performance.statements import changed_alters
from agents.sql.ast import format_qualname, qualname_of_names, qualname_of_rangevar, strings
from agents.sql.model import QualName
from agents.sql.parse import Statement
from agents.ts.app_code import code_files, files_querying

MAX_FILES_NAMED = 5
_API_OBJECTS = {
    "OBJECT_FUNCTION": "function",
    "OBJECT_VIEW": "view",
    "OBJECT_MATVIEW": "materialized view",
}
"""Objects the Data API serves besides tables: views via ``.from()``, functions via ``.rpc()``."""


def _head_users(ctx: PerfContext, name: str, rpc: bool) -> list[str]:
    """Application files of the head tree that query the view (or call the function) ``name``."""
    return ctx.workspace.cached(
        f"perf-queries:{name}:{rpc}:head",
        lambda: files_querying(ctx.workspace, "head", name, rpc=rpc),
    )


class BreakingRenameOrDrop(PerfRule):
    """Flags `RENAME` / `DROP` of a table or column that existed before the PR.

    ## What it does
    Reports `ALTER TABLE … RENAME [COLUMN]`, `ALTER TABLE … DROP COLUMN` and
    `DROP TABLE` of objects created by earlier migrations, naming the
    repository files whose supabase-js queries still use the old name
    (``.from("products").select("id, description")``, ``.eq("description", …)``,
    ``.update({ description })``; words such as ``product.description`` and
    generated type files do not count).  Views and functions of an exposed
    schema that are dropped or renamed (and not recreated under the same name)
    are reported when the repository's code still queries them (``.from``,
    ``.rpc``).  When the repository has application code and none of its
    queries uses a renamed or dropped column or table, a rename is low and a
    drop is only a note (routine cleanup of something unused).

    ## Why is this bad?
    Migrations run before (or independently of) the deploy of Edge Functions
    and the front end. From the moment the migration runs until every client
    is updated, code using the old name fails (`column … does not exist`,
    PostgREST 400/404), and mobile or cached clients may use it for weeks.
    A drop also loses the data for good.

    ## Example
    ```sql
    alter table public.profiles rename column full_name to display_name;
    ```

    ## Use instead
    ```sql
    -- expand: add the new column, write both, backfill; deploy the readers;
    -- contract in a later release:
    alter table public.profiles drop column full_name;
    ```

    ## References
    - squawk: renaming-column, renaming-table, ban-drop-column, ban-drop-table
      (ban-drop-not-null does not apply: relaxing a constraint breaks no deployed client;
      ban-drop-database does not apply: migrations run inside the project's one database)
    - "Expand and contract" (parallel change) pattern
    """

    code: ClassVar[str] = "MIG011"
    name: ClassVar[str] = "breaking-rename-or-drop"
    severity: ClassVar[Severity] = Severity.MEDIUM
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"RenameStmt", "DropStmt", "AlterTableStmt.AT_DropColumn"}
    )
    severity_reason: ClassVar[str] = (
        "Deployed clients using the old name fail until they are updated (deploy-order hazard)."
    )

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        if not ctx.is_migration:
            return
        for stmt in ctx.changed_statements():
            if stmt.kind == "RenameStmt":
                yield from self._rename(ctx, stmt.node, stmt.line)
            elif stmt.kind == "DropStmt" and stmt.node.get("removeType") == "OBJECT_TABLE":
                for obj in stmt.node.get("objects") or []:
                    table = qualname_of_names(strings((obj.get("List") or {}).get("items")))
                    if ctx.table_existed(table):
                        yield self._found(
                            ctx,
                            stmt.line,
                            f"Dropping table `{format_qualname(table)}`",
                            table[1],
                            None,
                        )
        for stmt in ctx.changed_statements():
            yield from self._api_object(ctx, stmt)
        for alter in changed_alters(ctx):
            if alter.subtype == "AT_DropColumn" and ctx.table_existed(alter.table):
                name = str(alter.cmd.get("name", ""))
                if name in ctx.before.tables[alter.table].columns:
                    line = ctx.clause_line(
                        alter.stmt, rf"drop\s+(column\s+)?(if\s+exists\s+)?\"?{re.escape(name)}\b"
                    )
                    yield self._found(
                        ctx,
                        line,
                        f"Dropping column `{format_qualname(alter.table)}.{name}`",
                        alter.table[1],
                        name,
                    )

    def _api_object(self, ctx: PerfContext, stmt: Statement) -> Iterator[Finding]:
        """A view or function of an exposed schema dropped or renamed while the repository's
        code still calls it (``.from('view')``, ``.rpc('function')``)."""
        node = stmt.node
        if stmt.kind == "DropStmt":
            kind = str(node.get("removeType", ""))
            objects = list(node.get("objects") or [])
            verb = "Dropping"
        elif stmt.kind == "RenameStmt":
            kind = str(node.get("renameType", ""))
            objects = [node.get("object") or {"RangeVar": node.get("relation")}]
            verb = "Renaming"
        else:
            return
        if kind not in _API_OBJECTS:
            return
        label = _API_OBJECTS[kind]
        for obj in objects:
            if not isinstance(obj, dict):
                continue
            if "ObjectWithArgs" in obj:
                qual = qualname_of_names(strings(obj["ObjectWithArgs"].get("objname")))
            elif "RangeVar" in obj:
                qual = qualname_of_rangevar(obj["RangeVar"])
            else:
                qual = qualname_of_names(strings((obj.get("List") or {}).get("items")))
            before = ctx.before.functions if label == "function" else ctx.before.views
            after = ctx.after.functions if label == "function" else ctx.after.views
            if qual not in before or qual in after or qual[0] not in ctx.after.exposed_schemas:
                continue  # new in this PR, recreated under the same name, or not in the API
            users = _head_users(ctx, qual[1], rpc=label == "function")
            if not users:
                continue
            shown = ", ".join(f"`{p}`" for p in users[:MAX_FILES_NAMED])
            yield self.finding(
                ctx.path,
                stmt.line,
                f"{verb} {label} `{format_qualname(qual)}`, but {shown} still call it: those "
                "requests fail (PostgREST 404) as soon as the migration runs.",
                "Keep the old name (a wrapper view or function) until every caller is updated "
                "and deployed, then drop it in a later release.",
            )

    def _rename(self, ctx: PerfContext, node: dict[str, object], line: int) -> Iterator[Finding]:
        rtype = node.get("renameType")
        table: QualName = qualname_of_rangevar(node.get("relation"))  # type: ignore[arg-type]
        if not ctx.table_existed(table):
            return
        new = str(node.get("newname", ""))
        if rtype == "OBJECT_TABLE":
            yield self._found(
                ctx, line, f"Renaming table `{format_qualname(table)}` to `{new}`", table[1], None
            )
        elif rtype == "OBJECT_COLUMN":
            old = str(node.get("subname", ""))
            if old in ctx.before.tables[table].columns:
                yield self._found(
                    ctx,
                    line,
                    f"Renaming column `{format_qualname(table)}.{old}` to `{new}`",
                    table[1],
                    old,
                )

    def _found(
        self, ctx: PerfContext, line: int, what: str, table: str, column: str | None
    ) -> Finding:
        ws = ctx.workspace
        key = f"perf-queries:{table}.{column}"
        head_code = ws.cached("app-code:head", lambda: code_files(ws.head))
        head_users = ws.cached(key + ":head", lambda: files_querying(ws, "head", table, column))
        base_users = ws.cached(key + ":base", lambda: files_querying(ws, "base", table, column))
        old = column or table
        if head_users:
            shown = ", ".join(f"`{p}`" for p in head_users[:MAX_FILES_NAMED])
            more = len(head_users) - MAX_FILES_NAMED
            shown += f" and {more} more" if more > 0 else ""
            return self.finding(
                ctx.path,
                line,
                f"{what}, but {shown} still query `{old}` after this PR: those queries fail "
                "(PostgREST 400/404) as soon as the migration runs.",
                "Update every caller in the same PR, or expand and contract: add the new name "
                "beside the old one, move the callers, drop the old name in a later release.",
            )
        severity = self.severity
        if base_users:
            where = (
                f" (this PR updates {', '.join(f'`{p}`' for p in base_users[:MAX_FILES_NAMED])})"
            )
        elif ws.has_repo and head_code:
            where = " (no supabase-js query in this repository uses it; other clients may)"
            # A rename is made for callers; one nobody calls is still odd (LOW).  Dropping
            # a column or table that no code in the repository reads is routine cleanup.
            severity = Severity.INFO if what.startswith("Dropping") else Severity.LOW
        else:
            where = ""
        return self.finding(
            ctx.path,
            line,
            f"{what} breaks every deployed client still using `{old}` from the moment the "
            f"migration runs until that client is redeployed{where}.",
            "Expand and contract: add the new name beside the old one (or a view), deploy the "
            "clients, and drop the old name in a later release.",
            severity=severity,
        )
