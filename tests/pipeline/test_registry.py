"""The stage registry is the one list: a new stage is one folder plus one registry line.

The fake ``changelog`` stage below is shaped like the real database stage: not a
rule-pack specialist, no prompt, its own choice of files (the migrations),
findings attributed to a contract specialist, its own coverage row and lines,
risks shown apart from the verdict, a cross-check of every other stage's rule
findings, and a typed error that aborts the review.  Registering it is one entry
in ``agents.registry.STAGES`` (monkeypatched here); nothing else in the pipeline
changes.  (The real database stage is tests/pipeline/test_database_wiring.py.)
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest

from agents import registry
from agents.changes import ChangedFile, Workspace
from agents.errors import ExitCode, ReviewAborted
from agents.findings import Finding, Severity, Specialist
from agents.registry import Stage
from agents.specialist import LlmOutcome, LlmUsage, RuleOutcome
from pipeline.config import config_from_mapping
from pipeline.render.json import render_json
from pipeline.render.markdown import render_markdown
from pipeline.render.text import render_text
from pipeline.review import run_review
from tests.helpers.workspace import workspace_from_trees

MIGRATION = "supabase/migrations/20240101000000_t.sql"
FUNCTION = "supabase/functions/f/index.ts"


def _changelog_run(files: Sequence[ChangedFile], workspace: Workspace) -> RuleOutcome:
    return RuleOutcome(
        findings=[
            Finding(
                specialist="rls_security",
                severity=Severity.HIGH,
                path=f.path,
                line=1,
                title="Migration is not in the changelog",
                rule="CHG001",
                message="Every migration needs a changelog entry.",
            )
            for f in files
        ],
        notes=["read 1 changelog"],
    )


def _is_migration(file: ChangedFile, workspace: Workspace) -> bool:
    project = workspace.project_for(file.path)
    return project is not None and project.is_migration(file.path)


CHANGELOG = Stage("changelog", run=_changelog_run, selects=_is_migration, codes=("CHG001",))


def _nothing(files: Sequence[ChangedFile], workspace: Workspace) -> RuleOutcome:
    return RuleOutcome()


def _with_stage(monkeypatch: pytest.MonkeyPatch, stage: Stage) -> None:
    """The registry with ``stage`` added (every real stage stubbed): the "one registry line"."""
    stages = registry.with_runs(registry.STAGES, dict.fromkeys(registry.stage_names(), _nothing))
    monkeypatch.setattr(registry, "STAGES", (*stages, stage))


@pytest.fixture
def with_changelog(monkeypatch: pytest.MonkeyPatch) -> None:
    _with_stage(monkeypatch, CHANGELOG)


def _workspace() -> Workspace:
    return workspace_from_trees(
        {},
        {
            MIGRATION: "create table t ();\n",
            FUNCTION: 'Deno.serve(() => new Response("x"));\n',
        },
    )


class _RecordingLlm:
    def __init__(self) -> None:
        self.asked: list[str] = []

    async def review(
        self,
        specialist: Specialist,
        files: Sequence[ChangedFile],
        workspace: Workspace,
        rule_findings: Sequence[Finding],
    ) -> LlmOutcome:
        self.asked.append(specialist)
        return LlmOutcome()

    async def summarise(self, findings: Sequence[Finding]) -> tuple[str | None, LlmUsage]:
        return None, LlmUsage()


@pytest.mark.usefixtures("with_changelog")
def test_an_extra_stage_runs_reports_and_gets_its_own_row() -> None:
    llm = _RecordingLlm()
    review = run_review(_workspace(), config_from_mapping({}), llm=llm)

    assert [(f.specialist, f.rule, f.path) for f in review.findings] == [
        ("rls_security", "CHG001", MIGRATION)
    ]
    row = review.stats.specialists["changelog"]
    assert (row.files, row.findings, row.notes) == ([MIGRATION], 1, ["read 1 changelog"])
    assert list(review.stats.specialists)[-1] == "changelog"
    assert review.stats.routed["changelog"] == [MIGRATION]
    assert sorted(llm.asked) == ["edge_reliability", "rls_security", "schema_performance"]
    # Its code is known: a suppression comment may name it.
    assert "CHG001" in registry.known_codes()
    assert "`changelog` 1 file, 1 finding" in render_markdown(review)
    assert '"changelog"' in render_json(review)


@pytest.mark.usefixtures("with_changelog")
def test_routes_may_name_the_extra_stage() -> None:
    config = config_from_mapping(
        {"routes": [{"paths": ["supabase/functions/**"], "specialists": ["changelog"]}]}
    )
    review = run_review(_workspace(), config)
    assert review.stats.routed["changelog"] == [FUNCTION, MIGRATION]


def test_without_the_registry_line_routes_cannot_name_it() -> None:
    from agents.errors import UsageError

    with pytest.raises(UsageError, match="unknown specialist 'changelog'"):
        config_from_mapping({"routes": [{"paths": ["*.sql"], "specialists": ["changelog"]}]})


def _rule_finding(rule: str, line: int, severity: Severity = Severity.MEDIUM) -> Finding:
    return Finding(
        specialist="schema_performance",
        severity=severity,
        path=MIGRATION,
        line=line,
        title=f"{rule} says so",
        rule=rule,
    )


def test_a_stage_shows_coverage_lines_risks_apart_and_cross_checks_every_rule_finding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[list[str | None]] = []

    def cross_check(findings: Sequence[Finding]) -> tuple[list[Finding], list[str]]:
        seen.append(sorted(f.rule for f in findings))
        kept = [f for f in findings if f.rule != "PERF999"]
        return kept, ["PERF999 dropped: measured otherwise"]

    def measuring(files: Sequence[ChangedFile], workspace: Workspace) -> RuleOutcome:
        risk = _rule_finding("CHG002", 9, Severity.CRITICAL).model_copy(
            update={"path": "supabase/migrations/0_old.sql"}
        )
        return RuleOutcome(
            findings=[_rule_finding("CHG001", 2)],
            coverage=["measured 1 migration in 0.1 s", "probe: 2 tables"],
            existing_risks=[risk],
            cross_check=cross_check,
        )

    def perf(files: Sequence[ChangedFile], workspace: Workspace) -> RuleOutcome:
        return RuleOutcome(findings=[_rule_finding("PERF999", 1), _rule_finding("PERF998", 1)])

    _with_stage(monkeypatch, Stage("changelog", run=measuring, selects=_is_migration))
    stages = registry.with_runs(registry.STAGES, {"schema_performance": perf})
    review = run_review(_workspace(), config_from_mapping({}), stages=stages)

    # the check saw every stage's rule findings, its own included, and its verdict holds
    assert seen == [["CHG001", "PERF998", "PERF999"]]
    assert sorted(f.rule or "" for f in review.findings) == ["CHG001", "PERF998"]
    row = review.stats.specialists["changelog"]
    assert row.coverage == ["measured 1 migration in 0.1 s", "probe: 2 tables"]
    assert row.notes == ["PERF999 dropped: measured otherwise"]
    # a critical risk outside the PR is shown apart and does not make the verdict
    assert [f.rule for f in review.stats.existing_risks] == ["CHG002"]
    assert review.verdict == "comment" and review.counts()[Severity.CRITICAL] == 0
    md = render_markdown(review)
    assert "`changelog` 1 file, 1 finding, " in md
    assert "— measured 1 migration in 0.1 s — probe: 2 tables" in md
    assert "Existing risks (1)" in md and "PERF999 dropped: measured otherwise" in md
    data = json.loads(render_json(review))
    assert data["stats"]["specialists"]["changelog"]["coverage"] == row.coverage
    assert [f["rule"] for f in data["stats"]["existing_risks"]] == ["CHG002"]
    assert "Existing risks (1)" in render_text(review)


def test_a_cross_check_that_raises_changes_nothing_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(findings: Sequence[Finding]) -> tuple[list[Finding], list[str]]:
        raise RuntimeError("no measurement")

    def measuring(files: Sequence[ChangedFile], workspace: Workspace) -> RuleOutcome:
        return RuleOutcome(findings=[_rule_finding("CHG001", 2)], cross_check=broken)

    _with_stage(monkeypatch, Stage("changelog", run=measuring, selects=_is_migration))
    review = run_review(_workspace(), config_from_mapping({}))
    assert [f.rule for f in review.findings] == ["CHG001"]
    assert review.stats.specialists["changelog"].notes == [
        "its check of the rule findings failed (RuntimeError: no measurement); they are "
        "shown as the rules reported them"
    ]


def test_a_stage_aborts_the_review_with_a_typed_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def required(files: Sequence[ChangedFile], workspace: Workspace) -> RuleOutcome:
        raise ReviewAborted("changelog: required, but no changelog found")

    def crashing(files: Sequence[ChangedFile], workspace: Workspace) -> RuleOutcome:
        raise RuntimeError("a bug")

    _with_stage(monkeypatch, Stage("changelog", run=required, selects=_is_migration))
    with pytest.raises(ReviewAborted, match="required, but no changelog") as aborted:
        run_review(_workspace(), config_from_mapping({}))
    assert aborted.value.exit_code == ExitCode.USAGE
    # any other exception is the stage's failure, recorded; the review goes on
    stages = registry.with_runs(registry.STAGES, {"changelog": crashing})
    review = run_review(_workspace(), config_from_mapping({}), stages=stages)
    assert review.stats.errors == ["changelog: RuntimeError: a bug"]


def test_suppression_problems_are_file_notes_of_the_review() -> None:
    ws = workspace_from_trees(
        {},
        {
            MIGRATION: (
                "-- architect-review: ignore CHG001 not a code without the stage\n"
                "-- architect-review: ignore RLS001\n"
                "create table t ();\n"
            )
        },
    )
    review = run_review(ws, config_from_mapping({}))
    assert review.stats.file_notes[MIGRATION] == [
        "line 1: suppression names unknown rule code(s) CHG001; it suppresses nothing for them",
        "line 2: suppression of RLS001 gives no reason (write it after the code)",
    ]
    assert [(s.finding.rule, s.reason) for s in review.suppressed] == [
        ("RLS001", "no reason given")
    ]
