"""PERF003: a foreign key whose columns no index leads with."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.indexes import MANAGED_SCHEMAS, is_covered
from agents.schema_performance.rules._base import PerfRule
from agents.schema_performance.statements import changed_alters, changed_columns
from agents.sql.ast import column_names, format_qualname, qualname_of_rangevar, strings
from agents.sql.model import QualName

AstNode = dict[str, Any]


@dataclass(frozen=True)
class NewForeignKey:
    """A foreign key the PR defines, with the line to report it on."""

    table: QualName
    columns: tuple[str, ...]
    ref_table: QualName
    on_delete: str
    line: int


def new_foreign_keys(ctx: PerfContext) -> Iterator[NewForeignKey]:
    """Foreign keys defined by the PR's statements in this file (inline, table-level, ALTER)."""
    for col in changed_columns(ctx):
        for con in col.constraints("CONSTR_FOREIGN"):
            yield _fk(col.table, (col.name,), con, col.line)
    for stmt in ctx.changed_statements():
        if stmt.kind != "CreateStmt":
            continue
        table = qualname_of_rangevar(stmt.node.get("relation"))
        for elt in stmt.node.get("tableElts") or []:
            tcon: AstNode | None = elt.get("Constraint") if isinstance(elt, dict) else None
            if tcon and tcon.get("contype") == "CONSTR_FOREIGN":
                cols = tuple(strings(tcon.get("fk_attrs")))
                line = _column_line(ctx, table, cols, ctx.line(tcon.get("location"), stmt.line))
                yield _fk(table, cols, tcon, line)
    for alter in changed_alters(ctx):
        if alter.subtype != "AT_AddConstraint":
            continue
        fk_con: AstNode = (alter.cmd.get("def") or {}).get("Constraint") or {}
        if fk_con.get("contype") == "CONSTR_FOREIGN":
            cols = tuple(strings(fk_con.get("fk_attrs")))
            line = ctx.line(fk_con.get("location"), alter.stmt.line)
            yield _fk(alter.table, cols, fk_con, _column_line(ctx, alter.table, cols, line))


def _column_line(ctx: PerfContext, table: QualName, cols: tuple[str, ...], default: int) -> int:
    """The definition line of the key's first column when this file adds it (the bench's
    convention for column findings), else ``default`` (the constraint clause)."""
    t = ctx.after.tables.get(table)
    col = t.columns.get(cols[0]) if t is not None and cols else None
    origin = col.origin if col is not None else None
    if origin is not None and origin.path == ctx.path and ctx.file.touches(origin.line):
        return origin.line
    return default


def _fk(table: QualName, cols: tuple[str, ...], con: AstNode, line: int) -> NewForeignKey:
    return NewForeignKey(
        table=table,
        columns=cols,
        ref_table=qualname_of_rangevar(con.get("pktable")),
        on_delete=str(con.get("fk_del_action", "a")),
        line=line,
    )


def policy_columns(ctx: PerfContext, table: QualName) -> set[str]:
    """Columns of ``table`` that its policies (after the PR) read."""
    out: set[str] = set()
    for policy in ctx.after.policies_on(table):
        out |= column_names(policy.using) | column_names(policy.with_check)
    return out


class ForeignKeyWithoutIndex(PerfRule):
    """Flags foreign keys whose columns are not the leading columns of any index.

    ## What it does
    Reports a foreign key the PR defines when, after the PR, no B-tree index,
    primary key or UNIQUE constraint on the referencing table starts with the
    key's columns. Severity rises to medium when the table's policies filter
    on the column or the key is `ON DELETE CASCADE`.

    ## Why is this bad?
    Every delete or key update in the referenced table (deleting a user from
    `auth.users`, a project…) must find the referencing rows: without an
    index that is a sequential scan of the whole referencing table, under
    lock, per deleted row. Joins and RLS filters on the column
    (`user_id = (select auth.uid())`) scan too.

    ## Example
    ```sql
    create table public.messages (
      id bigint generated always as identity primary key,
      sender_id uuid not null references auth.users (id) on delete cascade
    );
    ```

    ## Use instead
    ```sql
    create index messages_sender_id_idx on public.messages (sender_id);
    ```

    ## References
    - Supabase splinter: unindexed_foreign_keys (0001)
    - PostgreSQL docs: Foreign Keys (index the referencing columns)
    """

    code: ClassVar[str] = "PERF003"
    name: ClassVar[str] = "foreign-key-without-index"
    severity: ClassVar[Severity] = Severity.LOW
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"CreateStmt", "AlterTableStmt.AT_AddColumn", "AlterTableStmt.AT_AddConstraint"}
    )
    severity_reason: ClassVar[str] = (
        "Slow deletes and joins that grow with the table; medium when RLS or a cascade depends "
        "on the lookup."
    )

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        seen: set[tuple[QualName, tuple[str, ...]]] = set()
        for fk in new_foreign_keys(ctx):
            key = (fk.table, fk.columns)
            if (
                not fk.columns
                or key in seen
                or fk.table not in ctx.after.tables
                or fk.table[0] in MANAGED_SCHEMAS
            ):
                continue
            seen.add(key)
            if is_covered(ctx.after, fk.table, fk.columns, ctx.after_indexes()):
                continue
            cols = ", ".join(fk.columns)
            used_by_policy = bool(set(fk.columns) & policy_columns(ctx, fk.table))
            cascade = fk.on_delete == "c"
            severity = Severity.MEDIUM if used_by_policy or cascade else Severity.LOW
            why = []
            if used_by_policy:
                why.append("the table's RLS policies filter on it")
            if cascade:
                why.append(
                    f"ON DELETE CASCADE must find these rows for every deleted `{fk.ref_table[1]}`"
                )
            extra = f" ({'; '.join(why)})" if why else ""
            yield self.finding(
                ctx.path,
                fk.line,
                f"Foreign key `{format_qualname(fk.table)}({cols})` → "
                f"`{format_qualname(fk.ref_table)}` has no "
                f"index leading with it: deletes in `{fk.ref_table[1]}` and lookups by `{cols}` "
                "scan the whole "
                f"table{extra}.",
                f"Add `create index on {format_qualname(fk.table)} ({cols});` (concurrently if "
                "the table already "
                "holds data).",
                severity=severity,
            )
