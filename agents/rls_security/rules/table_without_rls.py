"""RLS001: a table the PR creates (or moves) in an exposed schema without RLS."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.facts import NOT_GRANTED_YET, personal_columns, reach, user_owned
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import format_qualname, qualname_of_rangevar
from agents.sql.context import SqlRuleContext
from agents.sql.model import QualName
from agents.sql.parse import ParsedSql, Statement


def _created_table(stmt: Statement) -> QualName | None:
    node = stmt.node
    if stmt.kind == "CreateStmt":
        return qualname_of_rangevar(node.get("relation"))
    if stmt.kind == "CreateTableAsStmt" and node.get("objtype") == "OBJECT_TABLE":
        return qualname_of_rangevar((node.get("into") or {}).get("rel"))
    if stmt.kind == "AlterObjectSchemaStmt" and node.get("objectType") == "OBJECT_TABLE":
        old = qualname_of_rangevar(node.get("relation"))
        return (str(node.get("newschema", "")), old[1])
    return None


class TableWithoutRls(RlsRule):
    """Table in an exposed schema without row level security.

    ## What it does
    Flags a table that the PR creates (``CREATE TABLE``, ``CREATE TABLE AS``) or
    moves (``ALTER TABLE … SET SCHEMA``) into a schema the Data API exposes
    (``[api] schemas`` in the project's ``config.toml``, default ``public``) when,
    at the end of the PR, RLS is still not enabled.  Critical when ``anon`` or
    ``authenticated`` can reach it, and the finding names the grant that lets
    them: an explicit ``grant``, an ``alter default privileges … grant`` in the
    history, or Supabase's legacy default (every table created by a migration
    dated before 2026-10-30, unless ``[api] auto_expose_new_tables`` says
    otherwise).  Medium when nothing grants it yet ("not exposed yet").  A
    commented-out ``enable row level security`` line for the table is quoted
    as evidence.  A table from an earlier migration that never got RLS is
    flagged where the PR adds columns to it while it is reachable (unless the
    PR adds policies to it, which ``policy-without-rls`` reports).

    ## Why is this bad?
    Without RLS every row is readable and writable by anyone holding the anon
    key, which ships in every web page: PostgREST serves the table as is.
    This is the most common Supabase data leak (splinter ``rls_disabled_in_public``;
    CVE-2025-48757 affected 170 generated apps).

    ## Example
    ```sql
    create table public.invoice_lines (id bigint primary key, invoice_id uuid, amount int);
    ```

    ## Use instead
    ```sql
    create table public.invoice_lines (id bigint primary key, invoice_id uuid, amount int);
    alter table public.invoice_lines enable row level security;
    create policy "members read lines" on public.invoice_lines for select
      to authenticated using (invoice_id in (select private.my_invoice_ids()));
    ```

    ## References
    - https://supabase.com/docs/guides/database/postgres/row-level-security
    - https://supabase.com/docs/guides/database/database-advisors?lint=0013_rls_disabled_in_public
    """

    code: ClassVar[str] = "RLS001"
    name: ClassVar[str] = "table-without-rls"
    severity: ClassVar[Severity] = Severity.CRITICAL
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"AlterObjectSchemaStmt", "AlterTableStmt.AT_AddColumn", "CreateStmt", "CreateTableAsStmt"}
    )
    severity_reason: ClassVar[str] = (
        "Anyone with the public anon key can read and modify every row through the Data API "
        "(medium while no grant reaches the table yet)."
    )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt in ctx.statements_of("CreateStmt", "CreateTableAsStmt", "AlterObjectSchemaStmt"):
            name = _created_table(stmt)
            if name is None:
                continue
            if stmt.kind != "AlterObjectSchemaStmt" and ctx.existed_before_statement(
                "table", name, stmt
            ):
                continue  # CREATE TABLE IF NOT EXISTS on a table that is already there
            table = ctx.after.tables.get(name)
            if table is None or table.kind == "foreign" or table.rls_enabled:
                continue
            exposure = reach(ctx.after, name)
            if not exposure.exposed_schema:
                continue
            personal = personal_columns(table)
            extra = f" It holds {', '.join(personal[:4])}." if personal else ""
            evidence = _commented_enable(ctx.parsed, name)
            fix = (
                f"Add `alter table {format_qualname(name)} enable row level security;` and "
                "policies for the access you intend"
            )
            if not exposure.reachable:
                yield self.finding(
                    ctx.path,
                    stmt.line,
                    f"`{format_qualname(name)}` is in the exposed schema `{name[0]}` without row "
                    f"level security. {NOT_GRANTED_YET}{extra}{evidence}",
                    fix + ", before granting it to anon or authenticated.",
                    severity=Severity.MEDIUM,
                )
                continue
            yield self.finding(
                ctx.path,
                stmt.line,
                f"`{format_qualname(name)}` is in the exposed schema `{name[0]}` but RLS is never "
                f"enabled, so {exposure.who} can read and change every row through "
                f"the Data API{exposure.because()}.{extra}{evidence}",
                fix + " (or revoke all from anon, authenticated).",
            )
        yield from self._extended_tables(ctx)

    def _extended_tables(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        """Columns added to an exposed table of the base that has no RLS."""
        new_policies = {t for t, _ in ctx.after.policies} - {t for t, _ in ctx.before.policies}
        seen: set[QualName] = set()
        for stmt in ctx.statements_of("AlterTableStmt"):
            if stmt.node.get("objtype", "OBJECT_TABLE") != "OBJECT_TABLE":
                continue
            name = qualname_of_rangevar(stmt.node.get("relation"))
            added = _added_columns(stmt)
            if not added or name in seen or name not in ctx.before.tables:
                continue
            table = ctx.after.tables.get(name)
            if table is None or table.kind == "foreign" or table.rls_enabled:
                continue
            if name in new_policies:
                continue  # policy-without-rls reports it on the new policy
            exposure = reach(ctx.after, name)
            if not exposure.reachable:
                continue
            seen.add(name)
            personal = [c for c in personal_columns(table) if c in added]
            yield self.finding(
                ctx.path,
                stmt.line,
                f"`{format_qualname(name)}` (from an earlier migration) has no RLS, and this PR "
                f"adds {', '.join(f'`{c}`' for c in added[:4])} to it: "
                f"{exposure.who} can read and change every row, new columns "
                f"included, through the Data API{exposure.because()}.",
                f"Enable RLS on it in this PR (`alter table {format_qualname(name)} enable row "
                "level security;`) with policies for the access you intend.",
                severity=Severity.CRITICAL if personal or user_owned(table) else Severity.HIGH,
            )


def _added_columns(stmt: Statement) -> list[str]:
    out: list[str] = []
    for cmd in stmt.node.get("cmds") or []:
        c = cmd.get("AlterTableCmd", {})
        cdef = (c.get("def") or {}).get("ColumnDef")
        if c.get("subtype") == "AT_AddColumn" and cdef:
            out.append(str(cdef.get("colname", "")))
    return out


def _commented_enable(parsed: ParsedSql, table: QualName) -> str:
    """Evidence sentence when the file holds a commented-out ``enable row level security``
    for ``table`` (empty otherwise)."""
    for found in parsed.commented_statements():
        if found.kind != "AlterTableStmt":
            continue
        if qualname_of_rangevar(found.node.get("relation")) != table:
            continue
        cmds = [c.get("AlterTableCmd", {}) for c in found.node.get("cmds") or []]
        if any(c.get("subtype") == "AT_EnableRowSecurity" for c in cmds):
            return (
                f" Line {found.line} enables RLS only inside a comment (`{found.text}`): "
                "comments do not run."
            )
    return ""
