"""RLS023: an EXISTS in a policy that is not tied to the policy's own row."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.facts import policy_for_statement, policy_reaches_api
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import column_refs, format_qualname, from_aliases, sublinks
from agents.sql.context import SqlRuleContext
from agents.sql.model import Catalog, QualName


def _references_outer(sub: dict[str, Any], cat: Catalog, outer: QualName) -> bool:
    """True when the sub-select mentions a column of the outer (policy) table."""
    aliases = from_aliases(sub)
    inner_columns: set[str] = set()
    for table_name in aliases.values():
        table = cat.tables.get(table_name)
        if table is None:
            return True  # unknown table: cannot tell, assume correlated
        inner_columns |= set(table.columns)
    outer_table = cat.tables.get(outer)
    outer_columns = set(outer_table.columns) if outer_table is not None else set()
    for parts, _ in column_refs(sub):
        if len(parts) >= 2:
            qualifier = parts[-2]
            if qualifier not in aliases and (qualifier == outer[1] or tuple(parts[:-1]) == outer):
                return True
        elif (
            parts
            and parts[0] != "*"
            and parts[0] not in inner_columns
            and parts[0] in outer_columns
        ):
            return True
    return False


def uncorrelated_exists(
    expr: Any, cat: Catalog, outer: QualName
) -> Iterator[tuple[dict[str, Any], QualName]]:
    """EXISTS sub-selects (or ``auth.uid() IN (select …)``) over a table that
    references ``outer`` by foreign key but never mention ``outer``'s row:
    (the sub-select, that table)."""
    outer_table = cat.tables.get(outer)
    outer_columns = set(outer_table.columns) if outer_table is not None else set()
    for link in sublinks(expr):
        kind = link.get("subLinkType")
        if kind == "ANY_SUBLINK":
            tested = link.get("testexpr")
            if any(parts[-1] in outer_columns for parts, _ in column_refs(tested)):
                continue  # `col IN (select …)`: the row's own column is tested
        elif kind != "EXISTS_SUBLINK":
            continue
        sub = (link.get("subselect") or {}).get("SelectStmt")
        if not sub or _references_outer(sub, cat, outer):
            continue
        for table_name in from_aliases(sub).values():
            table = cat.tables.get(table_name)
            if table is not None and any(fk.ref_table == outer for fk in table.foreign_keys):
                yield sub, table_name
                break


class UncorrelatedSubquery(RlsRule):
    """EXISTS sub-select in a policy not correlated with the row.

    ## What it does
    Flags a policy condition with ``EXISTS (select … from <child>)`` (or
    ``auth.uid() IN (select user_id from <child>)``) where the child table has
    a foreign key to the policy's table, yet the sub-select never compares it
    with the row being checked (``s.document_id = documents.id`` is missing).

    ## Why is this bad?
    The condition asks "does the caller have *some* share?" instead of "a
    share of *this* document": one share unlocks every row of the table, for
    all users.

    ## Example
    ```sql
    create policy "shared docs" on public.documents for select to authenticated
      using (exists (select 1 from public.document_shares s
                     where s.shared_with = (select auth.uid())));
    ```

    ## Use instead
    ```sql
    create policy "shared docs" on public.documents for select to authenticated
      using (exists (select 1 from public.document_shares s
                     where s.document_id = documents.id
                       and s.shared_with = (select auth.uid())));
    ```

    ## References
    - https://supabase.com/docs/guides/database/postgres/row-level-security
    """

    code: ClassVar[str] = "RLS023"
    name: ClassVar[str] = "uncorrelated-subquery-policy"
    severity: ClassVar[Severity] = Severity.CRITICAL
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"AlterPolicyStmt", "CreatePolicyStmt"}
    )
    severity_reason: ClassVar[str] = "One granted row unlocks every row of the table for that user."

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt in ctx.statements_of("CreatePolicyStmt", "AlterPolicyStmt"):
            policy = policy_for_statement(ctx, stmt)
            if policy is None or not policy.permissive or not policy_reaches_api(policy):
                continue
            for expr in (stmt.node.get("qual"), stmt.node.get("with_check")):
                hit = next(iter(uncorrelated_exists(expr, ctx.after, policy.table)), None)
                if hit is None:
                    continue
                sub, child = hit
                anchor = sub.get("whereClause") or sub
                yield self.finding(
                    ctx.path,
                    ctx.line_of(anchor, stmt),
                    f'Policy "{policy.name}": the EXISTS over `{format_qualname(child)}` never '
                    f"compares it with the `{format_qualname(policy.table)}` row being checked, so "
                    "any matching row anywhere grants access to every row.",
                    f"Correlate the sub-select with the row, e.g. "
                    f"`and s.<fk column> = {policy.table[1]}.id`.",
                )
                break
