"""MIG011: renaming or dropping a table or column that deployed code may still use."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from agents.changes import Tree
from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules._base import PerfRule
from agents.schema_performance.statements import changed_alters
from agents.sql.ast import format_qualname, qualname_of_names, qualname_of_rangevar, strings
from agents.sql.model import QualName

CODE_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".astro", ".svelte", ".vue", ".py")
MAX_FILES_NAMED = 5


def _word(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9_]){re.escape(word)}(?![A-Za-z0-9_])")


def code_files(tree: Tree) -> list[str]:
    """Application source files of a tree (Edge Functions, front end, scripts)."""
    return [
        p
        for p in tree.list_files("")
        if p.endswith(CODE_SUFFIXES) and "node_modules/" not in p and "/dist/" not in f"/{p}"
    ]


def files_mentioning(tree: Tree, paths: list[str], words: tuple[str, ...]) -> list[str]:
    """Files among ``paths`` of ``tree`` that mention every one of ``words`` as an identifier."""
    patterns = [_word(w) for w in words]
    out: list[str] = []
    for path in paths:
        text = tree.read_text(path)
        if text and all(p.search(text) for p in patterns):
            out.append(path)
    return out


class BreakingRenameOrDrop(PerfRule):
    """Flags `RENAME` / `DROP` of a table or column that existed before the PR.

    ## What it does
    Reports `ALTER TABLE … RENAME [COLUMN]`, `ALTER TABLE … DROP COLUMN` and
    `DROP TABLE` of objects created by earlier migrations, naming the
    repository files that still mention the old name.

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
        words = (table,) if column is None else (table, column)
        key = "perf-mentions:" + ".".join(words)
        ws = ctx.workspace
        head_code = ws.cached("perf:head-code-files", lambda: code_files(ws.head))
        base_code = ws.cached("perf:base-code-files", lambda: code_files(ws.base))
        head_users = ws.cached(key + ":head", lambda: files_mentioning(ws.head, head_code, words))
        base_users = ws.cached(key + ":base", lambda: files_mentioning(ws.base, base_code, words))
        old = column or table
        if head_users:
            shown = ", ".join(f"`{p}`" for p in head_users[:MAX_FILES_NAMED])
            more = len(head_users) - MAX_FILES_NAMED
            shown += f" and {more} more" if more > 0 else ""
            return self.finding(
                ctx.path,
                line,
                f"{what}, but {shown} still mention `{old}` after this PR: those queries fail "
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
            where = " (no file in this repository mentions it; other clients may)"
            severity = Severity.LOW
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
