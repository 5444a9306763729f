"""RLS029: the PR leaves the database more open than before, whatever caused it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.regressions import regressions
from agents.rls_security.rules._base import RlsRule
from agents.sql.context import SqlRuleContext


class SecurityStateRegressed(RlsRule):
    """Security state regressed: RLS, a policy, a grant or a revoke lost.

    ## What it does
    Compares the project's schema before and after the PR (each replayed from
    its migration history) and flags what became more open, whatever caused
    it: an exposed table whose RLS was on and is off, or that ``anon`` or
    ``authenticated`` can reach now while it has no RLS; a restrictive policy
    removed; a policy that no longer checks the caller or now reaches anon; a
    ``SECURITY DEFINER`` function that API roles can now execute.  The finding
    sits at the cause: a ``grant`` or ``drop policy`` of the PR, or the place
    in the head file where the PR deleted (or commented out) the statement
    that protected it, the deleted migration itself, or the ``[api]`` line of
    a ``config.toml`` that newly exposes the table's schema.  Changes that another
    rule reports at their statement (``disable row level security``, a new
    table) are left to it.

    ## Why is this bad?
    A pure deletion touches no statement: deleting the line ``alter table
    payments enable row level security`` from an old migration shows nothing
    new in the diff, yet every database built from the new history (preview
    branches, new environments, ``db reset``) serves the table to anyone with
    the anon key.

    ## Example
    ```sql
    -- supabase/migrations/20240101000000_payments.sql, edited by the PR
    create table public.payments (id bigint primary key, user_id uuid, amount int);
    -- alter table public.payments enable row level security;   (was a statement)
    ```

    ## Use instead
    ```sql
    -- leave applied migrations alone; change the schema in a new migration
    create table public.payments (id bigint primary key, user_id uuid, amount int);
    alter table public.payments enable row level security;
    ```

    ## References
    - https://supabase.com/docs/guides/deployment/database-migrations
    - https://supabase.com/docs/guides/database/postgres/row-level-security
    """

    code: ClassVar[str] = "RLS029"
    name: ClassVar[str] = "security-state-regressed"
    severity: ClassVar[Severity] = Severity.CRITICAL
    severity_reason: ClassVar[str] = (
        "A table loses RLS or becomes reachable (critical); a policy or a revoke lost (high); "
        "medium while nothing grants the table yet."
    )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for found in regressions(ctx.analysis):
            if found.path != ctx.path:
                continue
            yield self.finding(
                ctx.path,
                found.line,
                found.message,
                found.help,
                severity=found.severity,
                title=found.title,
            )
