"""The schema_performance specialist's deterministic part: run its rules on the PR's files.

SQL files get every rule in ``rules.RULES`` with a :class:`PerfContext` (the
file judged against the schema before and after the PR); TypeScript/JavaScript
files get the rules in ``rules.TS_RULES`` (N+1 queries in Edge Functions) with
the shared TS context from ``agents.ts.context``.  One bad file never stops
the others: a SQL syntax error is reported once, by rls_security (SQL001), so
here it only becomes a note; a rule that crashes becomes a note too.
"""

from __future__ import annotations

from collections.abc import Sequence

from agents.changes import ChangedFile, FileStatus, Workspace
from agents.findings import Finding, SuppressedFinding
from agents.rules import run_rule
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules import RULES, TS_RULES
from agents.schema_performance.rules.applied_migration_edited import AppliedMigrationEdited
from agents.specialist import RuleOutcome
from agents.sql.context import contexts_for
from agents.sql.suppress import sort_suppressed
from agents.ts.context import ts_context_for


def run_rules(files: Sequence[ChangedFile], workspace: Workspace) -> RuleOutcome:
    """Findings of every schema_performance rule on ``files``; never raises for one bad file."""
    outcome = RuleOutcome()
    wanted = {f.path for f in files if f.path.endswith(".sql")}
    if wanted:
        for sql in contexts_for(workspace):
            if sql.path in wanted:
                _run_sql(PerfContext.from_sql(sql, workspace), outcome)
    for file in files:
        if file.status == FileStatus.DELETED or file.path.endswith(".sql"):
            continue
        _run_ts(file, workspace, outcome)
    outcome.findings.sort(key=lambda f: (f.path, f.line or 0, f.rule or ""))
    return outcome


def _run_sql(ctx: PerfContext, outcome: RuleOutcome) -> None:
    if ctx.file.status == FileStatus.DELETED:
        sort_suppressed(
            run_rule(AppliedMigrationEdited(), ctx, ctx.path, outcome.notes), ctx.parsed, outcome
        )
        return  # a deleted migration: only the history rule has something to say
    if not ctx.analysis.is_migration(ctx.path) and not ctx.analysis.is_schema_file(ctx.path):
        return  # seed data, SQL tests and SQL outside a project change no schema
    parsed = ctx.parsed
    if parsed.error is not None:
        outcome.notes.append(
            f"{ctx.path}: not analysed for performance (SQL does not parse, see SQL001)"
        )
        return
    for rule_cls in RULES:
        found = run_rule(rule_cls(), ctx, ctx.path, outcome.notes)
        sort_suppressed(found, parsed, outcome)


def _run_ts(file: ChangedFile, workspace: Workspace, outcome: RuleOutcome) -> None:
    if not TS_RULES:
        return
    ctx = ts_context_for(file, workspace)
    if ctx is None:
        return
    lines = (file.head_text or "").splitlines()
    for rule_cls in TS_RULES:
        for finding in run_rule(rule_cls(), ctx, file.path, outcome.notes):
            reason = _ts_suppression(lines, finding)
            if reason is None:
                outcome.findings.append(finding)
            else:
                outcome.suppressed.append(SuppressedFinding(finding=finding, reason=reason))


def _ts_suppression(lines: list[str], finding: Finding) -> str | None:
    """Reason of a ``// architect-review: ignore CODE reason`` on or just above the line."""
    if finding.line is None or finding.rule is None:
        return None
    marker = "architect-review:"
    for n in range(finding.line, max(finding.line - 3, 0), -1):
        text = lines[n - 1] if n - 1 < len(lines) else ""
        at = text.find(marker)
        if at == -1 or "//" not in text[:at]:
            continue
        rest = text[at + len(marker) :].strip()
        if not rest.startswith("ignore"):
            continue
        words = rest[len("ignore") :].strip().split(None, 1)
        codes = {c.strip() for c in words[0].split(",")} if words else set()
        if finding.rule in codes:
            return words[1].strip() if len(words) > 1 else ""
    return None
