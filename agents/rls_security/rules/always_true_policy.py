"""RLS005: a policy whose condition is always true (or ignores the caller) on user data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.facts import (
    clause_line,
    has_owner,
    personal_columns,
    policy_for_statement,
    policy_reaches_anon,
    policy_reaches_api,
    public_by_design,
    sensitive_columns,
    states_public_intent,
    user_owned,
    widens_owner_scoped_reads,
)
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import (
    any_node,
    column_names,
    disjuncts,
    func_calls,
    is_constant_true,
    is_tautology,
    references_caller,
)
from agents.sql.context import SqlRuleContext
from agents.sql.model import Policy
from agents.sql.parse import Statement

_PURE = frozenset({"now", "lower", "upper", "coalesce", "char_length", "length", "current_date"})


def _caller_independent(expr: Any) -> bool:
    """True when ``expr`` cannot depend on who calls: no caller function, no
    sub-select, no call to anything but a few pure built-ins."""
    if references_caller(expr) or any_node(expr, ("SubLink", "SQLValueFunction")):
        return False
    return all(name in _PURE for name, _ in func_calls(expr))


class AlwaysTruePolicy(RlsRule):
    """Always-true policy on user data.

    ## What it does
    Flags a permissive policy for ``anon``/``authenticated``/PUBLIC whose
    ``USING`` or ``WITH CHECK`` is always true (``true``, ``1 = 1``, an OR
    branch comparing a column with itself such as ``user_id = user_id``), on a table
    that holds user-owned or personal data (an owner or tenant column, a
    foreign key to ``auth.users``, e-mail/phone/body-like columns).  An
    ``INSERT``/``UPDATE``/``DELETE``/``ALL`` policy whose condition does not
    depend on the caller at all (``using (status = 'draft')``) is flagged too.  Genuine
    reference data (plans, countries: nothing user-owned) may be world-readable
    and is left alone, as splinter does; so is a SELECT policy whose name or
    comment says the rows are public ("Public profiles are viewable by
    everyone") on a table without e-mail/phone/address-like columns, and one on
    a table whose columns say it is published content (a changelog, blog posts,
    author profiles: ``title``, ``slug``, ``bio``, ``display_name``… and nothing
    private), or a link between such tables.

    ## Why is this bad?
    ``USING (true)`` for SELECT hands every row to every caller (with no
    ``TO``, to signed-out visitors too); for writes, anyone can change or
    delete anyone's rows.  Dashboard templates ("Enable read access for all
    users") make this easy to ship by accident.

    ## Example
    ```sql
    create policy "Enable read access for all users" on public.support_tickets
      for select using (true);
    ```

    ## Use instead
    ```sql
    create policy "Users read their tickets" on public.support_tickets
      for select to authenticated using ((select auth.uid()) = user_id);
    ```

    ## References
    - https://supabase.com/docs/guides/database/postgres/row-level-security
    - https://supabase.com/docs/guides/database/database-advisors?lint=0024_permissive_rls_policy
    """

    code: ClassVar[str] = "RLS005"
    name: ClassVar[str] = "always-true-policy"
    severity: ClassVar[Severity] = Severity.HIGH
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"AlterPolicyStmt", "CreatePolicyStmt"}
    )
    severity_reason: ClassVar[str] = (
        "Reads expose every user's rows (high; critical for personal content read by anon, or "
        "that another policy keeps private to its owner); writes let anyone modify them "
        "(critical)."
    )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt in ctx.statements_of("CreatePolicyStmt", "AlterPolicyStmt"):
            policy = policy_for_statement(ctx, stmt)
            if policy is None or not policy.permissive or not policy_reaches_api(policy):
                continue
            table = ctx.after.tables.get(policy.table)
            if table is None:
                # not in the migrations (dashboard-made, or only a diff): say only what is sure
                yield from self._unknown_table(ctx, stmt, policy)
                continue
            if not user_owned(table):
                continue
            who = (
                "anyone, signed-out visitors included"
                if policy_reaches_anon(policy)
                else ("every signed-in user")
            )
            # one finding per policy: the first offending clause, naming the other too
            hits: list[tuple[str, Any, str, Severity]] = []
            for label, expr in (
                ("USING", stmt.node.get("qual")),
                ("WITH CHECK", stmt.node.get("with_check")),
            ):
                if expr is None:
                    continue
                if policy.table == ("storage", "objects") and "bucket_id" in column_names(expr):
                    continue  # a bucket-scoped storage policy: RLS020 judges those
                always = is_constant_true(expr) or any(is_tautology(d) for d in disjuncts(expr))
                if policy.command == "select":
                    if not always:
                        continue
                    personal = personal_columns(table)
                    if not sensitive_columns(table) and states_public_intent(ctx, stmt, policy):
                        continue  # "public profiles are viewable by everyone": intended
                    if public_by_design(ctx.after, table):
                        continue  # a changelog, blog posts, author profiles: published content
                    # anyone can sign up: rows another policy keeps private to their
                    # owner, read by every signed-in user, are as exposed as to anon
                    severity = (
                        Severity.CRITICAL
                        if personal
                        and (
                            policy_reaches_anon(policy)
                            or widens_owner_scoped_reads(ctx.after, policy)
                        )
                        else Severity.HIGH
                    )
                    detail = f" (including {', '.join(personal[:3])})" if personal else ""
                    message = (
                        f'Policy "{policy.name}" lets {who} read every row of '
                        f"`{policy.table[0]}.{policy.table[1]}`{detail}: its {label} is always "
                        "true."
                    )
                elif policy.command == "insert":
                    if not has_owner(table) or not (always or _caller_independent(expr)):
                        continue  # a contact form or waitlist: anyone may add rows
                    severity = Severity.CRITICAL if always else Severity.HIGH
                    kind = "is always true" if always else "never looks at the caller"
                    message = (
                        f'Policy "{policy.name}" lets {who} insert rows into '
                        f"`{policy.table[0]}.{policy.table[1]}` on behalf of any other user: "
                        f"its {label} {kind}."
                    )
                else:
                    if not always and not _caller_independent(expr):
                        continue
                    severity = Severity.CRITICAL
                    kind = "always true" if always else "does not depend on who is calling"
                    message = (
                        f'Policy "{policy.name}" ({policy.command}) lets {who} modify or delete '
                        f"rows of `{policy.table[0]}.{policy.table[1]}` that belong to others: "
                        f"its {label} {kind}."
                    )
                hits.append((label, expr, message, severity))
            if not hits:
                continue
            label, expr, message, severity = hits[0]
            if len(hits) > 1:
                message += f" Its {hits[1][0]} has the same problem."
            yield self.finding(
                ctx.path,
                clause_line(ctx, stmt, expr),
                message,
                "Compare the row's owner or tenant column with the caller, e.g. "
                "`using ((select auth.uid()) = user_id)`, and name the role with `to "
                "authenticated`.",
                severity=max((h[3] for h in hits), key=lambda sev: sev.rank),
            )

    def _unknown_table(
        self, ctx: SqlRuleContext, stmt: Statement, policy: Policy
    ) -> Iterator[Finding]:
        """Always-true UPDATE/DELETE/ALL on a table the model does not know: whatever
        the table holds, anyone can change or delete all of it."""
        if policy.command not in ("update", "delete", "all"):
            return
        expr = stmt.node.get("qual")
        if expr is None or not is_constant_true(expr):
            return
        yield self.finding(
            ctx.path,
            clause_line(ctx, stmt, expr),
            f'Policy "{policy.name}" ({policy.command}) lets every API caller modify or delete '
            f"every row of `{policy.table[0]}.{policy.table[1]}`: its USING is always true.",
            "Compare the row's owner or tenant column with the caller, e.g. "
            "`using ((select auth.uid()) = user_id)`.",
            severity=Severity.CRITICAL,
        )
