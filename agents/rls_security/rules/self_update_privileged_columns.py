"""RLS008: a self-update policy on a table with privilege-bearing columns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.facts import (
    policy_for_statement,
    policy_reaches_api,
    policy_table_line,
    privileged_columns,
)
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import column_names, format_qualname, qualname_of_rangevar, references_identity
from agents.sql.context import SqlRuleContext
from agents.sql.model import Catalog, Policy, Table


def unprotected_columns(cat: Catalog, table: Table, policy: Policy) -> list[str]:
    """Privileged columns a caller matching ``policy`` can set on their own row.

    A column is protected by a column-level UPDATE grant that leaves it out, by
    a WITH CHECK (or, without one, the USING re-applied to the new row) that
    mentions it, or by any BEFORE UPDATE row trigger on the table (a guard).
    """
    if any(
        t.table == table.qualname and t.timing == "before" and "update" in t.events
        for t in cat.triggers.values()
    ):
        return []
    pinned = column_names(policy.with_check if policy.with_check is not None else policy.using)
    out: list[str] = []
    for col in privileged_columns(table):
        if col in pinned:
            continue
        holders = cat.column_grantees(table.qualname, col, "UPDATE")
        if not holders & {"authenticated", "public"}:
            continue
        out.append(col)
    return out


def is_self_update(policy: Policy) -> bool:
    """An UPDATE/ALL policy for API roles whose USING matches the caller's own row."""
    return (
        policy.command in ("update", "all")
        and policy.permissive
        and policy_reaches_api(policy)
        and policy.using is not None
        and references_identity(policy.using)
    )


class SelfUpdatePrivilegedColumns(RlsRule):
    """Users can update privilege-bearing columns of their own row.

    ## What it does
    Flags an UPDATE (or ALL) policy that lets users update their own row
    (``using (auth.uid() = id)``) on a table with columns that carry rights or
    money (``role``, ``is_admin``, ``plan``, ``balance``, ``credits``,
    ``org_id``…) when nothing protects those columns: no column-level UPDATE
    grant leaving them out, no WITH CHECK pinning them, no BEFORE UPDATE
    trigger guarding them.  Also flags the PR adding such a column to a table
    that already has a self-update policy.

    ## Why is this bad?
    RLS decides which *rows* a user may update, not which *columns*; Supabase
    grants UPDATE on every column to ``authenticated``.  Anyone can
    ``PATCH /profiles?id=eq.<me> {"role": "admin"}`` and promote themselves.

    ## Example
    ```sql
    alter table public.profiles add column role text not null default 'member';
    create policy "own profile" on public.profiles for update to authenticated
      using ((select auth.uid()) = id);
    ```

    ## Use instead
    ```sql
    revoke update on public.profiles from authenticated;
    grant update (username, bio, avatar_url) on public.profiles to authenticated;
    ```

    ## References
    - https://supabase.com/docs/guides/database/postgres/column-level-security
    - https://www.postgresql.org/docs/current/ddl-rowsecurity.html
    """

    code: ClassVar[str] = "RLS008"
    name: ClassVar[str] = "self-update-privileged-columns"
    severity: ClassVar[Severity] = Severity.HIGH
    severity_reason: ClassVar[str] = (
        "Privilege escalation by any signed-in user, needing only a crafted API request."
    )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        flagged: set[tuple[str, str]] = set()
        for stmt in ctx.statements_of("CreatePolicyStmt", "AlterPolicyStmt"):
            policy = policy_for_statement(ctx, stmt)
            if policy is None or not is_self_update(policy):
                continue
            table = ctx.after.tables.get(policy.table)
            if table is None:
                continue
            cols = unprotected_columns(ctx.after, table, policy)
            if not cols:
                continue
            flagged.add(policy.table)
            yield self.finding(
                ctx.path,
                policy_table_line(ctx, stmt),
                f'Policy "{policy.name}" lets users update their own row of '
                f"`{format_qualname(policy.table)}`, and nothing stops them changing "
                f"{', '.join(f'`{c}`' for c in cols)}: self-promotion by a crafted request.",
                f"Revoke UPDATE on the table and grant it on the editable columns only "
                f"(`grant update (…) on {format_qualname(policy.table)} to authenticated`), or "
                "guard "
                "the columns with a BEFORE UPDATE trigger or a WITH CHECK that pins them.",
            )
        for stmt in ctx.statements_of("AlterTableStmt"):
            name = qualname_of_rangevar(stmt.node.get("relation"))
            table = ctx.after.tables.get(name)
            if table is None or name in flagged:
                continue
            for cmd in stmt.node.get("cmds") or []:
                c = cmd.get("AlterTableCmd", {})
                cdef = (c.get("def") or {}).get("ColumnDef")
                if c.get("subtype") != "AT_AddColumn" or not cdef:
                    continue
                col = str(cdef.get("colname", ""))
                for policy in ctx.after.policies_on(name):
                    if is_self_update(policy) and col in unprotected_columns(
                        ctx.after, table, policy
                    ):
                        flagged.add(name)
                        yield self.finding(
                            ctx.path,
                            ctx.line_of(cdef, stmt),
                            f'New column `{col}` carries rights, and policy "{policy.name}" lets '
                            f"users update their own row of `{format_qualname(name)}` with no "
                            "column "
                            "restriction: they can set it themselves.",
                            "Revoke UPDATE on the table and grant it on the editable columns only, "
                            "or guard the column with a BEFORE UPDATE trigger.",
                        )
                        break
