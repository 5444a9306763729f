"""The rls_security specialist's deterministic part: run its rules on the PR's files.

Every changed SQL file gets a :class:`~agents.sql.context.SqlRuleContext`
(its changed statements plus the schema before and after the PR, from the
shared, cached :func:`~agents.sql.analysis.analyse`) and every rule of
``rules.RULES``.  A file that does not parse becomes ONE ``SQL001`` finding
(low) naming the line and pglast's message, and the others go on; a rule that
crashes becomes a note, never a lost review.  Findings silenced by an
``-- architect-review: ignore CODE reason`` comment move to ``suppressed``.
Front-end files routed here for mentioning keys are scanned for secrets only.
"""

from __future__ import annotations

from collections.abc import Sequence

from agents.changes import ChangedFile, FileStatus, Workspace
from agents.findings import Finding, Severity
from agents.rls_security.rules import RULES
from agents.rls_security.rules.secret_literal import SecretLiteral
from agents.rls_security.secrets import find_secrets
from agents.rules import run_rule
from agents.specialist import RuleOutcome
from agents.sql.analysis import analyse
from agents.sql.body import body_sql
from agents.sql.context import SqlRuleContext
from agents.sql.parse import ParsedSql
from agents.suppression import sort_findings, statement_lines, suppressions_in

SYNTAX_RULE = "SQL001"


def run_rules(files: Sequence[ChangedFile], workspace: Workspace) -> RuleOutcome:
    """Findings of every rls_security rule on ``files``; never raises for one bad file."""
    outcome = RuleOutcome()
    sql_files = [f for f in files if f.status != FileStatus.DELETED and f.path.endswith(".sql")]
    if sql_files:
        analysis = analyse(workspace)
        outcome.notes.extend(analysis.notes)
        settings = workspace.settings.get("rls_security")
        for file in sql_files:
            parsed = analysis.parsed.get(file.path)
            if parsed is None:
                continue
            ctx = SqlRuleContext(
                file=file,
                parsed=parsed,
                analysis=analysis,
                statements=[] if parsed.error else analysis.changed_statements(file.path),
                settings=dict(settings) if isinstance(settings, dict) else {},
            )
            if parsed.error is not None and not file.head_complete and file.status != "added":
                # only the diff's hunks are known: the gaps, not the SQL, may be what breaks
                outcome.notes.append(
                    f"{file.path}: the partial file rebuilt from the diff does not parse "
                    f"({parsed.error.message}); SQL rules skipped it"
                )
            elif parsed.error is not None:
                outcome.findings.append(_syntax_finding(file, parsed))
            _note_opaque_bodies(ctx, outcome)
            _run_sql_rules(ctx, outcome)
    for file in files:
        if file.status == FileStatus.DELETED or file.path.endswith(".sql") or file.is_binary:
            continue
        if file.path.startswith("supabase/functions/"):
            continue  # edge_reliability owns secrets in Edge Function code
        _scan_text_file(file, outcome)
    outcome.findings.sort(key=lambda f: (f.path, f.line or 0, f.rule or ""))
    return outcome


def _syntax_finding(file: ChangedFile, parsed: ParsedSql) -> Finding:
    error = parsed.error
    assert error is not None
    return Finding(
        specialist="rls_security",
        severity=Severity.LOW,
        path=file.path,
        line=error.line,
        title="SQL does not parse",
        rule=SYNTAX_RULE,
        message=(
            f"PostgreSQL's parser stops at line {error.line} of {file.path}: {error.message}. "
            "The rest of this file was not reviewed by the SQL rules."
        ),
        help="Fix the syntax error (run the migration locally with `supabase db reset`).",
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


def _run_sql_rules(ctx: SqlRuleContext, outcome: RuleOutcome) -> None:
    suppressions = suppressions_in(ctx.path, ctx.parsed.text)
    statement_line = statement_lines((s.line, s.end_line) for s in ctx.parsed.statements)
    for rule_cls in RULES:
        found = run_rule(rule_cls(), ctx, ctx.path, outcome.notes)
        sort_findings(found, suppressions, outcome, statement_line)


def _scan_text_file(file: ChangedFile, outcome: RuleOutcome) -> None:
    if file.head_text is None:
        return
    rule = SecretLiteral()
    secrets = find_secrets(file.head_text, file.added_lines)
    found = [rule.secret_finding(file.path, secret) for secret in secrets]
    sort_findings(found, suppressions_in(file.path, file.head_text), outcome)
