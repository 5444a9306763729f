"""RLS008: a self-update policy on a table with privilege-bearing columns."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.facts import (
    column_updaters,
    policy_for_statement,
    policy_reaches_api,
    policy_table_line,
    privileged_columns,
)
from agents.rls_security.rules._base import RlsRule
from agents.rls_security.rules.role_only_guard import is_role_check
from agents.sql.ast import (
    column_names,
    conjuncts,
    format_qualname,
    is_const,
    qualname_of_rangevar,
    references_identity,
    string_constants,
    strings,
)
from agents.sql.context import SqlRuleContext
from agents.sql.model import Catalog, Policy, Table

_MONEY_COLUMN = re.compile(
    r"^(balance|credits?|credit_balance|points|plan|plan_id|tier|subscription_tier|"
    r"subscription_status|subscription_plan)$"
)
"""Privileged columns worth money: setting them yourself is free credit or a free upgrade."""


def escalation_severity(columns: list[str]) -> Severity | None:
    """Critical when a user can set money-bearing columns on their own row; the rule's
    default (high) for roles and flags."""
    return Severity.CRITICAL if any(_MONEY_COLUMN.match(c) for c in columns) else None


def _trigger_guarded_columns(cat: Catalog, table: Table) -> set[str] | None:
    """Columns a BEFORE UPDATE trigger on ``table`` may guard: those its function's
    body names.  None (everything guarded) when a trigger's function cannot be read.
    A trigger that only stamps ``updated_at`` guards nothing else."""
    guarded: set[str] = set()
    for trig in cat.triggers.values():
        if trig.table != table.qualname or trig.timing != "before" or "update" not in trig.events:
            continue
        if trig.function[1] == "moddatetime":
            continue  # the moddatetime extension only stamps a timestamp column
        fn = cat.functions.get(trig.function)
        if fn is None or not fn.body:
            return None
        text = fn.body.lower()
        guarded |= {c for c in table.columns if re.search(rf"\b{re.escape(c.lower())}\b", text)}
    return guarded


def unprotected_columns(cat: Catalog, table: Table, policy: Policy) -> list[str]:
    """Privileged columns a caller matching ``policy`` can set on their own row.

    A column is protected by a column-level UPDATE grant that leaves it out, by
    a WITH CHECK (or, without one, the USING re-applied to the new row) that
    mentions it, or by a BEFORE UPDATE row trigger on the table whose function
    names it (or cannot be read).
    """
    guarded = _trigger_guarded_columns(cat, table)
    if guarded is None:
        return []
    pinned = column_names(policy.with_check if policy.with_check is not None else policy.using)
    out: list[str] = []
    for col in privileged_columns(table):
        if col in pinned or col in guarded:
            continue
        holders = column_updaters(cat, table.qualname, col)
        if not holders & {"authenticated", "public"}:
            continue
        out.append(col)
    return out


def _reads_app_metadata(node: object) -> bool:
    return any(value == "app_metadata" for value, _ in string_constants(node))


def is_server_role_gate(expr: object) -> bool:
    """``auth.jwt() -> 'app_metadata' ->> 'role' in ('owner', 'billing')``: a role the
    server assigned (users cannot write ``app_metadata``) compared with constants.

    A policy with such a conjunct is for staff, not for every user on their own row,
    so letting its holders change privileged columns is the design, not an escalation.
    """
    if not isinstance(expr, dict) or "A_Expr" not in expr:
        return False
    a = expr["A_Expr"]
    if a.get("kind") not in ("AEXPR_OP", "AEXPR_IN"):
        return False
    if strings(a.get("name")) != ["="]:
        return False  # ``not in`` / ``<>`` exclude a role: not a gate
    for role_side, value_side in (
        (a.get("lexpr"), a.get("rexpr")),
        (a.get("rexpr"), a.get("lexpr")),
    ):
        items = value_side.get("List", {}).get("items") if isinstance(value_side, dict) else None
        values = items if items is not None else [value_side]
        if _reads_app_metadata(role_side) and values and all(is_const(v) for v in values):
            return True
    return False


def is_self_update(policy: Policy) -> bool:
    """An UPDATE/ALL policy for API roles whose USING matches the caller's own row
    (and that no server-assigned role restricts to staff)."""
    parts = conjuncts(policy.using) if policy.using is not None else []
    return (
        policy.command in ("update", "all")
        and policy.permissive
        and policy_reaches_api(policy)
        and policy.using is not None
        and references_identity(policy.using)
        and not all(is_role_check(p) for p in parts)
        and not any(is_server_role_gate(p) for p in parts)
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
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"AlterPolicyStmt", "AlterTableStmt.AT_AddColumn", "CreatePolicyStmt"}
    )
    severity_reason: ClassVar[str] = (
        "Privilege escalation by any signed-in user, needing only a crafted API request "
        "(critical when the column is money: balance, credits, plan)."
    )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        flagged: set[tuple[str, str]] = set()
        reported: set[tuple[tuple[str, str], str]] = set()
        for stmt in ctx.statements_of("CreatePolicyStmt", "AlterPolicyStmt"):
            policy = policy_for_statement(ctx, stmt)
            if policy is None or not is_self_update(policy):
                continue
            if (policy.table, policy.name) in reported:
                continue  # created and altered in the same PR: one finding, on the first
            reported.add((policy.table, policy.name))
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
                severity=escalation_severity(cols),
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
                            severity=escalation_severity([col]),
                        )
                        break
