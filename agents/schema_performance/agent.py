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
from agents.rules import RulesByStatement, run_rule
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules import RULES, TS_RULES
from agents.schema_performance.rules.applied_migration_edited import AppliedMigrationEdited
from agents.specialist import RuleOutcome
from agents.sql.context import contexts_for
from agents.sql.parse import kinds_of
from agents.suppression import (
    sort_findings,
    statement_lines,
    suppressions_in,
    ts_statement_line,
)
from agents.ts.context import ts_context_for

_SQL_RULES = RulesByStatement(RULES)
"""``RULES`` by the statement kinds they read (see ``Rule.statement_kinds``)."""


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
        found = run_rule(AppliedMigrationEdited(), ctx, ctx.path, outcome.notes)
        sort_findings(found, suppressions_in(ctx.path, ctx.parsed.text), outcome)
        return  # a deleted migration: only the history rule has something to say
    if not ctx.analysis.is_migration(ctx.path) and not ctx.analysis.is_schema_file(ctx.path):
        return  # seed data, SQL tests and SQL outside a project change no schema
    parsed = ctx.parsed
    if parsed.error is not None:
        outcome.notes.append(
            f"{ctx.path}: not analysed for performance (SQL does not parse, see SQL001)"
        )
        return
    suppressions = suppressions_in(ctx.path, parsed.text)
    statement_line = statement_lines((s.line, s.end_line) for s in parsed.statements)
    for rule_cls in _SQL_RULES.for_kinds(kinds_of(ctx.statements)):
        found = run_rule(rule_cls(), ctx, ctx.path, outcome.notes)
        sort_findings(found, suppressions, outcome, statement_line)


def _run_ts(file: ChangedFile, workspace: Workspace, outcome: RuleOutcome) -> None:
    if not TS_RULES:
        return
    ctx = ts_context_for(file, workspace)
    if ctx is None:
        return
    suppressions = suppressions_in(file.path, ctx.parsed.source)
    statement_line = ts_statement_line(ctx.parsed)
    for rule_cls in TS_RULES:
        found = run_rule(rule_cls(), ctx, file.path, outcome.notes)
        sort_findings(found, suppressions, outcome, statement_line)
