"""PERF002: the column a policy compares with the caller has no index leading with it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.indexes import MANAGED_SCHEMAS, is_covered
from agents.schema_performance.policy_exprs import correlated_with, function_of
from agents.schema_performance.rules._base import POLICY_STATEMENTS, PerfRule
from agents.schema_performance.statements import PolicyFacts, changed_policies
from agents.sql.ast import (
    column_refs,
    conjuncts,
    disjuncts,
    format_qualname,
    from_aliases,
    func_calls,
    references_caller,
    strings,
    sublinks,
)
from agents.sql.model import Function, QualName
from agents.sql.parse import parse_sql, walk

AstNode = dict[str, Any]


@dataclass(frozen=True)
class Filter:
    """A column compared with the caller, and where the comparison is."""

    table: QualName
    column: str
    location: int


def _column_of(
    ctx: PerfContext, node: Any, scope: dict[str, QualName]
) -> tuple[QualName, str, int] | None:
    """``(table, column, location)`` when ``node`` is a bare column of a table in ``scope``.

    ``scope`` maps a qualifier (alias or table name) to its table; an unqualified
    column resolves only when exactly one table in scope has it.
    """
    if not isinstance(node, dict) or "ColumnRef" not in node:
        return None
    refs = list(column_refs(node))
    if len(refs) != 1 or not refs[0][0]:
        return None
    parts, fields = refs[0]
    location = int(fields.get("location", -1))
    if len(parts) == 2 and parts[0] in scope:
        table = scope[parts[0]]
        t = ctx.after.tables.get(table)
        return (table, parts[1], location) if t is not None and parts[1] in t.columns else None
    if len(parts) == 1:
        owners = {
            q for q in scope.values() if (t := ctx.after.tables.get(q)) and parts[0] in t.columns
        }
        if len(owners) == 1:
            return (owners.pop(), parts[0], location)
    return None


def _filters_in(ctx: PerfContext, expr: Any, scope: dict[str, QualName]) -> Iterator[Filter]:
    """Caller comparisons among the top-level AND/OR terms of ``expr``."""
    for part in (c for d in disjuncts(expr) for c in conjuncts(d)):
        if not isinstance(part, dict):
            continue
        if "A_Expr" in part:
            a = part["A_Expr"]
            kind = a.get("kind")
            if strings(a.get("name")) != ["="] or kind not in (
                "AEXPR_OP",
                "AEXPR_OP_ANY",
                "AEXPR_IN",
            ):
                continue
            pairs = [(a.get("lexpr"), a.get("rexpr"))]
            if kind == "AEXPR_OP":
                pairs.append((a.get("rexpr"), a.get("lexpr")))
            # `auth.uid() = any(member_ids)` compares with an array column: a B-tree on it
            # would not help, so only the column on the left of ANY/IN counts
            for own, other in pairs:
                col = _column_of(ctx, own, scope)
                if col and references_caller(other):
                    yield Filter(*col)
        elif "SubLink" in part and part["SubLink"].get("subLinkType") == "ANY_SUBLINK":
            col = _column_of(ctx, part["SubLink"].get("testexpr"), scope)
            if col:
                yield Filter(*col)


def caller_filters(ctx: PerfContext, policy: PolicyFacts) -> Iterator[Filter]:
    """Columns the policy's USING compares with the caller, on its own table
    (``col = (select auth.uid())``, ``col in (select …)``) and inside its sub-queries
    (``select team_id from members where user_id = (select auth.uid())``)."""
    yield from _filters_in(ctx, policy.using, {policy.table[1]: policy.table, "": policy.table})
    for sub in sublinks(policy.using):
        select = (sub.get("subselect") or {}).get("SelectStmt")
        if not select:
            continue
        scope = from_aliases(select)
        # a correlated sub-query is looked up by the outer row's key too (a composite
        # index may serve it); PERF005 reports that shape
        if scope and correlated_with(ctx, sub, policy.table) is None:
            yield from _filters_in(ctx, select.get("whereClause"), scope)


def _helper_selects(ctx: PerfContext, fn: Function) -> list[AstNode]:
    """The SELECTs of a SQL helper's body (parsed once per review)."""

    def parse() -> list[AstNode]:
        if fn.language != "sql" or not fn.body:
            return []
        parsed = parse_sql(f"<{fn.schema}.{fn.name}>", fn.body)
        return [f for s in parsed.statements for k, f in walk(s.node) if k == "SelectStmt"] + [
            s.node for s in parsed.statements if s.kind == "SelectStmt"
        ]

    return ctx.workspace.cached(f"perf:helper-selects:{fn.schema}.{fn.name}", parse)


def helper_filters(ctx: PerfContext, policy: PolicyFacts) -> Iterator[tuple[Filter, str]]:
    """Caller filters inside argument-less SQL helpers the policy calls
    (``team_id in (select private.my_team_ids())``): the helper runs the lookup on
    every query, so its filter column needs an index too.  Reported at the call.
    Helpers taking arguments are skipped: their lookups combine the argument with
    the caller, which a composite key may serve."""
    for name, call in func_calls(policy.using):
        qual = function_of(ctx.after, call)
        fn = ctx.after.functions.get(qual) if qual else None
        if fn is None or fn.arg_names or call.get("args"):
            continue
        location = int(call.get("location", -1))
        for select in _helper_selects(ctx, fn):
            scope = from_aliases(select)
            if not scope:
                continue
            for f in _filters_in(ctx, select.get("whereClause"), scope):
                yield Filter(f.table, f.column, location), name


def fk_defined_in_pr(ctx: PerfContext, table: QualName, column: str) -> bool:
    """True when a foreign key the PR defines leads with ``column`` (PERF003 reports it)."""
    t = ctx.after.tables.get(table)
    pr_paths = {p.path for p in ctx.pr_files}
    return t is not None and any(
        fk.columns[:1] == (column,) and fk.origin is not None and fk.origin.path in pr_paths
        for fk in t.foreign_keys
    )


class PolicyColumnNotIndexed(PerfRule):
    """Flags a policy whose caller filter (`user_id = (select auth.uid())`) has no index.

    ## What it does
    Reads the USING expression of each SELECT/UPDATE/DELETE/ALL policy the PR
    creates, finds the columns of the policy's own table that are compared
    with the caller (`col = auth.uid()`, `col = (select auth.uid())`,
    `col in (select …)`), and reports those that no index, primary key or
    UNIQUE constraint leads with after the PR. Argument-less SQL helpers the
    policy calls (`team_id in (select private.my_team_ids())`) are read too:
    the column their body compares with the caller needs an index as well
    (reported at the call). Foreign-key columns the PR defines are left to
    PERF003, which reports them with the same severity.

    ## Why is this bad?
    RLS adds the predicate to every query on the table. Without an index on
    the compared column, each read is a sequential scan of the whole table,
    however few rows the caller may see; Supabase measured 171 ms → 0.1 ms
    from adding the index.

    ## Example
    ```sql
    create policy "Own notes" on public.notes for select to authenticated
      using (owner_id = (select auth.uid()));   -- no index on notes.owner_id
    ```

    ## Use instead
    ```sql
    create index notes_owner_id_idx on public.notes (owner_id);
    ```

    ## References
    - Supabase docs: RLS performance recommendations ("add indexes")
    - Supabase splinter: unindexed_foreign_keys (0001)
    """

    code: ClassVar[str] = "PERF002"
    name: ClassVar[str] = "policy-column-not-indexed"
    severity: ClassVar[Severity] = Severity.MEDIUM
    statement_kinds: ClassVar[frozenset[str] | None] = POLICY_STATEMENTS
    severity_reason: ClassVar[str] = "Every API read of the table becomes a sequential scan."

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        seen: set[tuple[QualName, str]] = set()
        for policy in changed_policies(ctx):
            if policy.command == "insert" or policy.using is None:
                continue
            missing: list[Filter] = []
            for f in caller_filters(ctx, policy):
                key = (f.table, f.column)
                if key in seen:
                    continue
                seen.add(key)
                if f.table[0] in MANAGED_SCHEMAS or is_covered(
                    ctx.after, f.table, (f.column,), ctx.after_indexes(), include_partial=True
                ):
                    continue
                if fk_defined_in_pr(ctx, f.table, f.column):
                    continue
                missing.append(f)
            for f, _helper in helper_filters(ctx, policy):
                key = (f.table, f.column)
                if key in seen or f.table[0] in MANAGED_SCHEMAS:
                    continue
                seen.add(key)
                if not is_covered(
                    ctx.after, f.table, (f.column,), ctx.after_indexes(), include_partial=True
                ) and not fk_defined_in_pr(ctx, f.table, f.column):
                    missing.append(f)
            if missing:
                yield self._report(ctx, policy, missing)

    def _report(self, ctx: PerfContext, policy: PolicyFacts, missing: list[Filter]) -> Finding:
        first = missing[0]
        line = ctx.line(first.location, policy.stmt.line)
        col = ctx.after.tables[first.table].columns[first.column]
        if (
            col.origin is not None
            and col.origin.path == ctx.path
            and ctx.file.touches(col.origin.line)
        ):
            line = col.origin.line  # the column is new in this file: point at its definition
        names = ", ".join(f"`{format_qualname(f.table)}.{f.column}`" for f in missing)
        fixes = " ".join(
            f"`create index on {format_qualname(f.table)} ({f.column});`" for f in missing
        )
        return self.finding(
            ctx.path,
            line,
            f'Policy "{policy.name}" on `{format_qualname(policy.table)}` filters by {names}, '
            "but no index leads with "
            + ("that column" if len(missing) == 1 else "those columns")
            + ": every read through the API scans "
            + ("the whole table." if len(missing) == 1 else "whole tables."),
            f"Add {fixes} (concurrently if the table already holds data).",
        )
