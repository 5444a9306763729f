"""RLS026: a policy compares the caller's id with a column that is not a user id."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.facts import OWNER_COLUMN, policy_for_statement
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import column_refs, func_calls, strings
from agents.sql.context import SqlRuleContext
from agents.sql.model import Table

_AUTH_USERS = ("auth", "users")


def _outside_sublinks(node: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """Typed nodes of ``node`` that are not inside a sub-select."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "SubLink":
                continue
            if key[:1].isupper() and isinstance(value, dict):
                yield key, value
            yield from _outside_sublinks(value)
    elif isinstance(node, list):
        for item in node:
            yield from _outside_sublinks(item)


def _is_uid(side: Any) -> bool:
    """``auth.uid()``, possibly cast or wrapped in ``(select auth.uid())``."""
    return any(name == "auth.uid" for name, _ in func_calls(side)) and not list(column_refs(side))


def _user_columns(table: Table) -> set[str]:
    return {
        fk.columns[0]
        for fk in table.foreign_keys
        if fk.ref_table == _AUTH_USERS and len(fk.columns) == 1
    }


def wrong_columns(expr: Any, table: Table) -> Iterator[tuple[str, dict[str, Any]]]:
    """(column, A_Expr) where ``auth.uid() = column`` and the column is not a user id."""
    users = _user_columns(table)
    if not users:
        return
    for kind, fields in _outside_sublinks(expr):
        if kind != "A_Expr" or strings(fields.get("name")) != ["="]:
            continue
        left, right = fields.get("lexpr"), fields.get("rexpr")
        for uid_side, col_side in ((left, right), (right, left)):
            if not _is_uid(uid_side):
                continue
            refs = [parts for parts, _ in column_refs(col_side)]
            if len(refs) != 1:
                continue
            col = refs[0][-1]
            if len(refs[0]) >= 2 and refs[0][-2] != table.name:
                continue
            if col not in table.columns or col in users or OWNER_COLUMN.match(col):
                continue
            yield col, fields


class IdentityWrongColumn(RlsRule):
    """Policy compares ``auth.uid()`` with a column that is not a user id.

    ## What it does
    Flags ``auth.uid() = <column>`` in a policy when the column is not a user
    reference (no foreign key to ``auth.users``, no owner-like name) while the
    table does have such a column: typically ``auth.uid() = id`` on a table
    whose owner is ``user_id``.

    ## Why is this bad?
    The comparison never matches (the row's own id is not its owner's id), so
    owners are locked out, or, if ids happen to be shared, the wrong rows are
    matched.  Either way the policy does not do what its name says.

    ## Example
    ```sql
    create policy "own orders" on public.orders for select to authenticated
      using ((select auth.uid()) = id);
    ```

    ## Use instead
    ```sql
    create policy "own orders" on public.orders for select to authenticated
      using ((select auth.uid()) = user_id);
    ```

    ## References
    - https://supabase.com/docs/guides/database/postgres/row-level-security
    """

    code: ClassVar[str] = "RLS026"
    name: ClassVar[str] = "identity-wrong-column"
    severity: ClassVar[Severity] = Severity.MEDIUM
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"AlterPolicyStmt", "CreatePolicyStmt"}
    )
    severity_reason: ClassVar[str] = (
        "Usually locks owners out (a correctness bug) rather than exposing data."
    )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt in ctx.statements_of("CreatePolicyStmt", "AlterPolicyStmt"):
            policy = policy_for_statement(ctx, stmt)
            if policy is None:
                continue
            table = ctx.after.tables.get(policy.table)
            if table is None:
                continue
            for expr in (stmt.node.get("qual"), stmt.node.get("with_check")):
                hit = next(iter(wrong_columns(expr, table)), None)
                if hit is None:
                    continue
                col, node = hit
                owners = ", ".join(sorted(_user_columns(table)))
                yield self.finding(
                    ctx.path,
                    ctx.line_of(node, stmt),
                    f'Policy "{policy.name}" compares auth.uid() with `{col}`, which is not a '
                    f"user id; the owner column of `{policy.table[1]}` is {owners}.",
                    "Compare with the owner column: "
                    f"`(select auth.uid()) = {owners.split(',')[0]}`.",
                )
                break
