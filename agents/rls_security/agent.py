"""The rls_security specialist's deterministic part: run its rules on the PR's files.

Every changed SQL file gets a :class:`~agents.sql.context.SqlRuleContext`
(its changed statements plus its project's schema before and after the PR,
from the shared, cached :func:`~agents.sql.analysis.analyse`) and every rule
of ``rules.RULES``.  A file that does not parse is ONE ``SQL001`` finding and
marks the review incomplete (nothing in it was reviewed); a rule that crashes
becomes a note, never a lost review.  A migration the PR deletes gets a
context without statements, so the history rules can still speak of it.
Findings silenced by an ``-- architect-review: ignore CODE reason`` comment
move to ``suppressed``.  Front-end files routed here for mentioning keys are
scanned for secrets only.
"""

from __future__ import annotations

from collections.abc import Sequence

from agents.changes import ChangedFile, FileStatus, Workspace
from agents.rls_security.rules import RULES
from agents.rls_security.rules.secret_literal import SecretLiteral
from agents.rls_security.rules.security_state_regressed import SecurityStateRegressed
from agents.rls_security.secrets import find_secrets
from agents.rules import RulesByStatement, run_rule
from agents.specialist import RuleOutcome
from agents.sql.analysis import SqlAnalyses, analyse
from agents.sql.body import body_sql
from agents.sql.context import SqlRuleContext, deleted_migration_context
from agents.sql.parse import ParsedSql, kinds_of
from agents.suppression import sort_findings, statement_lines, suppressions_in

_SQL_RULES = RulesByStatement(RULES)
"""``RULES`` by the statement kinds they read (see ``Rule.statement_kinds``)."""


def run_rules(files: Sequence[ChangedFile], workspace: Workspace) -> RuleOutcome:
    """Findings of every rls_security rule on ``files``; never raises for one bad file."""
    outcome = RuleOutcome()
    configs = {p.config_path for p in workspace.projects}
    sql_files = [f for f in files if f.path.endswith(".sql") or f.path in configs]
    if sql_files:
        analyses = analyse(workspace)
        outcome.notes.extend(analyses.all_notes())
        settings = workspace.settings.get("rls_security")
        rule_settings = dict(settings) if isinstance(settings, dict) else {}
        for file in sql_files:
            if file.path in configs:
                ctx = _config_context(file, analyses, rule_settings)
                if ctx is not None:
                    _run_sql_rules(ctx, outcome)
                continue
            ctx = (
                deleted_migration_context(file, analyses, rule_settings)
                if file.status == FileStatus.DELETED
                else _context(file, analyses, rule_settings, workspace)
            )
            if ctx is None:
                if file.status != FileStatus.DELETED and _is_migration(workspace, file.path):
                    outcome.incomplete.append(f"{file.path}: could not be read; not reviewed")
                continue
            parsed = ctx.parsed
            if parsed.error is not None:
                if not file.head_complete and file.status != FileStatus.ADDED:
                    # only the diff's hunks are known: the gaps, not the SQL, may be what breaks
                    outcome.notes.append(
                        f"{file.path}: the partial file rebuilt from the diff does not parse "
                        f"({parsed.error.message}); SQL rules skipped it"
                    )
                else:
                    outcome.incomplete.append(
                        f"{file.path} does not parse (line {parsed.error.line}): "
                        "the SQL rules did not review it"
                    )
            _note_opaque_bodies(ctx, outcome)
            _run_sql_rules(ctx, outcome)
    for file in files:
        if file.status == FileStatus.DELETED or file.path.endswith(".sql") or file.is_binary:
            continue
        project = workspace.project_for(file.path)
        if project is not None and project.is_function_source(file.path):
            continue  # edge_reliability owns secrets in Edge Function code
        _scan_text_file(file, outcome)
    outcome.findings.sort(key=lambda f: (f.path, f.line or 0, f.rule or ""))
    return outcome


def _is_migration(workspace: Workspace, path: str) -> bool:
    project = workspace.project_for(path)
    return project is not None and project.is_migration(path)


def _context(
    file: ChangedFile, analyses: SqlAnalyses, settings: dict[str, object], workspace: Workspace
) -> SqlRuleContext | None:
    """The rule context of a changed (not deleted) SQL file."""
    analysis = analyses.for_path(file.path)
    if analysis is None:
        return None
    parsed = analysis.parsed[file.path]
    return SqlRuleContext(
        file=file,
        parsed=parsed,
        analysis=analysis,
        statements=[] if parsed.error else analysis.changed_statements(file.path),
        settings=settings,
        workspace=workspace,
    )


def _note_opaque_bodies(ctx: SqlRuleContext, outcome: RuleOutcome) -> None:
    for stmt in ctx.statements_of("CreateFunctionStmt", "DoStmt"):
        if stmt.kind == "DoStmt":
            outcome.notes.append(f"{ctx.path}:{stmt.line}: DO block not analysed (opaque)")
            continue
        names = [s["String"]["sval"] for s in stmt.node.get("funcname") or [] if "String" in s]
        fn = ctx.after.functions.get(
            ("public", names[0]) if len(names) == 1 else (names[-2], names[-1])
        )
        if (
            fn is not None
            and fn.language in ("sql", "plpgsql")
            and fn.body
            and body_sql(fn) is None
        ):
            outcome.notes.append(
                f"{ctx.path}:{stmt.line}: body of {fn.schema}.{fn.name} could not be parsed; "
                "treated as opaque"
            )


def _config_context(
    file: ChangedFile, analyses: SqlAnalyses, settings: dict[str, object]
) -> SqlRuleContext | None:
    """A context for a project's changed ``config.toml``: only its exposure change matters."""
    owner = next(
        (
            a
            for a in analyses.analyses
            if a.config_change is not None and a.config_change[0] == file.path
        ),
        None,
    )
    if owner is None:
        return None
    return SqlRuleContext(
        file=file, parsed=ParsedSql(path=file.path, text=""), analysis=owner, settings=settings
    )


def _run_sql_rules(ctx: SqlRuleContext, outcome: RuleOutcome) -> None:
    suppressions = suppressions_in(ctx.path, ctx.parsed.text)
    statement_line = statement_lines((s.line, s.end_line) for s in ctx.parsed.statements)
    history_only = ctx.file.status == FileStatus.DELETED or not ctx.path.endswith(".sql")
    rules = (
        (SecurityStateRegressed,)
        if history_only
        else _SQL_RULES.for_kinds(kinds_of(ctx.statements))
    )
    for rule_cls in rules:
        found = run_rule(rule_cls(), ctx, ctx.path, outcome.notes)
        sort_findings(found, suppressions, outcome, statement_line)


def _scan_text_file(file: ChangedFile, outcome: RuleOutcome) -> None:
    if file.head_text is None:
        return
    rule = SecretLiteral()
    secrets = find_secrets(file.head_text, file.added_lines)
    found = [rule.secret_finding(file.path, secret) for secret in secrets]
    sort_findings(found, suppressions_in(file.path, file.head_text), outcome)
