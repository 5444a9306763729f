"""PERF006: two permissive policies for the same table, command and role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.indexes import MANAGED_SCHEMAS
from agents.schema_performance.rules._base import PerfRule
from agents.schema_performance.statements import changed_policies
from agents.sql.ast import format_qualname
from agents.sql.model import Policy


def _overlap(a: tuple[str, ...], b: tuple[str, ...]) -> set[str]:
    """Roles both policies apply to (PUBLIC applies to every role)."""
    sa, sb = set(a), set(b)
    if "public" in sa:
        return sb
    if "public" in sb:
        return sa
    return sa & sb


def _defined_before(other: Policy, path: str, line: int) -> bool:
    """True when ``other`` came before the policy at ``path``:``line`` (report the second)."""
    origin = other.origin
    return origin is None or origin.path != path or origin.line < line


class MultiplePermissivePolicies(PerfRule):
    """Flags a second permissive policy for the same table, command and role.

    ## What it does
    Reports a policy the PR creates for an explicit command (`for select`,
    `for update`…) when the table has, after the PR, another permissive
    policy for the same explicit command and an overlapping role. `FOR ALL`
    policies are not paired (they usually express a different actor, such
    as owners managing rows, and splitting them is a larger change).

    ## Why is this bad?
    PostgreSQL ORs permissive policies and evaluates every one of them for
    every row: two SELECT policies mean both predicates (and their
    sub-selects) run per row. One policy with both conditions OR-ed is
    cheaper and easier to audit. Reported as low for SELECT, as info for
    write commands (few rows; one policy per actor reads well).

    ## Example
    ```sql
    create policy "Own rows" on public.docs for select to authenticated
      using (owner_id = (select auth.uid()));
    create policy "Shared rows" on public.docs for select to authenticated
      using (id in (select private.shared_doc_ids()));
    ```

    ## Use instead
    ```sql
    create policy "Own or shared rows" on public.docs for select to authenticated
      using (owner_id = (select auth.uid()) or id in (select private.shared_doc_ids()));
    ```

    ## References
    - Supabase splinter: multiple_permissive_policies (0006)
    """

    code: ClassVar[str] = "PERF006"
    name: ClassVar[str] = "multiple-permissive-policies"
    severity: ClassVar[Severity] = Severity.LOW
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset({"CreatePolicyStmt"})
    severity_reason: ClassVar[str] = (
        "Low for SELECT (both predicates run for every row read); info for write commands, "
        "where one policy per actor (owners, moderators) reads well and touches few rows."
    )

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        for policy in changed_policies(ctx):
            if (
                policy.stmt.kind != "CreatePolicyStmt"
                or not policy.permissive
                or policy.command == "all"
                or policy.table[0] in MANAGED_SCHEMAS  # storage: one policy per bucket is the norm
            ):
                continue
            for other in ctx.after.policies_on(policy.table):
                if (
                    other.name == policy.name
                    or not other.permissive
                    or other.command != policy.command
                ):
                    continue
                roles = _overlap(policy.roles, other.roles)
                if not roles or not _defined_before(other, ctx.path, policy.stmt.line):
                    continue
                yield self.finding(
                    ctx.path,
                    policy.header_line,
                    f"`{format_qualname(policy.table)}` now has two permissive "
                    f"{policy.command.upper()} "
                    f"policies for {', '.join(sorted(roles))} "
                    f'("{other.name}" and "{policy.name}"): both '
                    "are evaluated for every row.",
                    "Merge them into one policy whose USING ORs both conditions.",
                    severity=Severity.LOW if policy.command == "select" else Severity.INFO,
                )
                break
