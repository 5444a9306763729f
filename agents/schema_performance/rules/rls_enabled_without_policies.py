"""MIG010: RLS switched on for an existing table that has no policy after the PR."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules._base import PerfRule
from agents.schema_performance.statements import changed_alters
from agents.sql.ast import format_qualname


class RlsEnabledWithoutPolicies(PerfRule):
    """Flags `ENABLE ROW LEVEL SECURITY` on an existing table left without any policy.

    ## What it does
    Reports `alter table … enable row level security` on a table that existed
    before the PR with RLS off, when no policy on it exists after the PR and
    the API roles (`anon`, `authenticated`) still hold privileges on it.

    ## Why is this bad?
    With RLS on and no policy, PostgreSQL denies every row to every role
    except the owner and BYPASSRLS roles. Every Data API query from `anon` and
    `authenticated` starts returning nothing (and writes fail) the moment the
    migration runs: an outage of whatever feature used the table.

    ## Example
    ```sql
    alter table public.invoices enable row level security;
    ```

    ## Use instead
    ```sql
    alter table public.invoices enable row level security;
    create policy "Members read invoices" on public.invoices for select
      to authenticated using (workspace_id in (select private.user_workspace_ids()));
    ```

    ## References
    - Supabase splinter: rls_enabled_no_policy (0008)
    - PostgreSQL: Row Security Policies ("default-deny")
    """

    code: ClassVar[str] = "MIG010"
    name: ClassVar[str] = "rls-enabled-without-policies"
    severity: ClassVar[Severity] = Severity.MEDIUM
    severity_reason: ClassVar[str] = (
        "Existing API reads and writes of the table stop working at deploy."
    )

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        for alter in changed_alters(ctx):
            if alter.subtype != "AT_EnableRowSecurity":
                continue
            before = ctx.before.tables.get(alter.table)
            if before is None or before.rls_enabled or ctx.after.policies_on(alter.table):
                continue
            api_roles = {"anon", "authenticated", "public"}
            if not any(
                api_roles & ctx.after.grantees("table", alter.table, privilege)
                for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE")
            ):
                continue  # the API roles hold no privilege on it: nothing reached it before either
            yield self.finding(
                ctx.path,
                alter.stmt.line,
                f"RLS is enabled on the existing table `{format_qualname(alter.table)}` but no "
                "policy exists "
                "for it after this PR: from deploy on, every API query from anon and "
                "authenticated users "
                "returns no rows and writes fail.",
                "Add the policies the current callers need in the same migration, or confirm the "
                "table is "
                "only used with the service role.",
            )
