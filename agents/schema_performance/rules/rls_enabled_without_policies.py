"""MIG010: RLS switched on for an existing table that has no policy after the PR."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules._base import PerfRule
from agents.schema_performance.statements import changed_alters
from agents.sql.ast import format_qualname
from agents.sql.parse import Statement
from agents.ts.app_code import code_files, files_querying

SERVICE_ROLE = re.compile(r"service[_ ]?role|sb_secret_", re.I)
"""Code using the service-role key bypasses RLS: enabling it changes nothing there."""

SERVICE_ONLY_INTENT = re.compile(r"service[ _-]?role|\bno polic(y|ies)\b", re.I)
"""A comment saying the table is meant for the service role only / to have no policy."""


def _states_service_only(ctx: PerfContext, stmt: Statement) -> bool:
    """True when the comment lines right above ``stmt`` (or on its line) say it is on purpose."""
    lines = ctx.parsed.text.splitlines()
    n = stmt.line - 1
    if n < len(lines) and "--" in lines[n] and SERVICE_ONLY_INTENT.search(lines[n]):
        return True
    n -= 1
    while n >= 0 and lines[n].strip().startswith("--"):
        if SERVICE_ONLY_INTENT.search(lines[n]):
            return True
        n -= 1
    # or the comment right after it ("-- No policies: only the service role ...")
    n = stmt.end_line
    while n < len(lines) and lines[n].strip().startswith("--"):
        if SERVICE_ONLY_INTENT.search(lines[n]):
            return True
        n += 1
    return False


class RlsEnabledWithoutPolicies(PerfRule):
    """Flags `ENABLE ROW LEVEL SECURITY` on an existing table left without any policy.

    ## What it does
    Reports `alter table … enable row level security` on a table that existed
    before the PR with RLS off, when no policy on it exists after the PR and
    the API roles (`anon`, `authenticated`) still hold privileges on it.
    When the repository has application code, the severity follows who uses
    the table: medium when code outside the service role mentions it (named in
    the message), low when no code mentions it, and only a note when the only
    users hold the service-role key (which bypasses RLS) or a comment next to
    the statement says the table is for the service role / has no policies on
    purpose.

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
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"AlterTableStmt.AT_EnableRowSecurity"}
    )
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
            severity, users = self._who_uses(ctx, alter.table[1])
            if _states_service_only(ctx, alter.stmt):
                severity = Severity.INFO
            shown = ", ".join(f"`{p}`" for p in users[:5])
            yield self.finding(
                ctx.path,
                alter.stmt.line,
                f"RLS is enabled on the existing table `{format_qualname(alter.table)}` but no "
                "policy exists "
                "for it after this PR: from deploy on, every API query from anon and "
                "authenticated users "
                "returns no rows and writes fail"
                + (f" ({shown} read it without the service role)." if users else "."),
                "Add the policies the current callers need in the same migration, or confirm the "
                "table is "
                "only used with the service role.",
                severity=severity,
            )

    def _who_uses(self, ctx: PerfContext, table: str) -> tuple[Severity, list[str]]:
        """Severity from the repository's code, and the files that use the table without
        the service role."""
        ws = ctx.workspace
        head_code = ws.cached("app-code:head", lambda: code_files(ws.head))
        if not ws.has_repo or not head_code:
            return self.severity, []
        users = ws.cached(
            "app-queries:" + table + ":head", lambda: files_querying(ws, "head", table)
        )
        if not users:
            return Severity.LOW, []
        exposed = [p for p in users if not SERVICE_ROLE.search(ws.head.read_text(p) or "")]
        if not exposed:
            return Severity.INFO, []
        return self.severity, exposed
