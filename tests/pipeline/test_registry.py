"""The stage registry is the one list: a new stage is one folder plus one registry line.

The fake ``database`` stage below is what the real one will be: not a rule-pack
specialist, no prompt, its own choice of files (the migrations), findings
attributed to a contract specialist, its own coverage row.  Registering it is
one entry in ``agents.registry.STAGES`` (monkeypatched here); nothing else in
the pipeline changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from agents import registry
from agents.changes import ChangedFile, Workspace
from agents.findings import Finding, Severity, Specialist
from agents.registry import Stage
from agents.specialist import LlmOutcome, LlmUsage, RuleOutcome
from pipeline.config import config_from_mapping
from pipeline.render.json import render_json
from pipeline.render.markdown import render_markdown
from pipeline.review import run_review
from tests.helpers.workspace import workspace_from_trees

MIGRATION = "supabase/migrations/20240101000000_t.sql"
FUNCTION = "supabase/functions/f/index.ts"


def _database_run(files: Sequence[ChangedFile], workspace: Workspace) -> RuleOutcome:
    return RuleOutcome(
        findings=[
            Finding(
                specialist="rls_security",
                severity=Severity.HIGH,
                path=f.path,
                line=1,
                title="Anonymous user can read the table",
                rule="DB001",
                message="Measured: `select` as anon returned rows.",
            )
            for f in files
        ],
        notes=["applied 1 migration to PostgreSQL 18"],
    )


def _is_migration(file: ChangedFile, workspace: Workspace) -> bool:
    project = workspace.project_for(file.path)
    return project is not None and project.is_migration(file.path)


DATABASE = Stage("database", run=_database_run, selects=_is_migration, codes=("DB001",))


def _nothing(files: Sequence[ChangedFile], workspace: Workspace) -> RuleOutcome:
    return RuleOutcome()


@pytest.fixture
def with_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry with the extra stage added: the "one registry line"."""
    stages = registry.with_runs(registry.STAGES, dict.fromkeys(registry.stage_names(), _nothing))
    monkeypatch.setattr(registry, "STAGES", (*stages, DATABASE))


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


@pytest.mark.usefixtures("with_database")
def test_an_extra_stage_runs_reports_and_gets_its_own_row() -> None:
    llm = _RecordingLlm()
    review = run_review(_workspace(), config_from_mapping({}), llm=llm)

    assert [(f.specialist, f.rule, f.path) for f in review.findings] == [
        ("rls_security", "DB001", MIGRATION)
    ]
    row = review.stats.specialists["database"]
    assert (row.files, row.findings, row.notes) == (
        [MIGRATION],
        1,
        ["applied 1 migration to PostgreSQL 18"],
    )
    assert list(review.stats.specialists)[-1] == "database"
    assert review.stats.routed["database"] == [MIGRATION]
    assert sorted(llm.asked) == ["edge_reliability", "rls_security", "schema_performance"]
    # Its code is known: a suppression comment may name it.
    assert "DB001" in registry.known_codes()
    assert "`database` 1 file, 1 finding" in render_markdown(review)
    assert '"database"' in render_json(review)


@pytest.mark.usefixtures("with_database")
def test_routes_may_name_the_extra_stage() -> None:
    config = config_from_mapping(
        {"routes": [{"paths": ["supabase/functions/**"], "specialists": ["database"]}]}
    )
    review = run_review(_workspace(), config)
    assert review.stats.routed["database"] == [FUNCTION, MIGRATION]


def test_without_the_registry_line_routes_cannot_name_it() -> None:
    from agents.errors import UsageError

    with pytest.raises(UsageError, match="unknown specialist 'database'"):
        config_from_mapping({"routes": [{"paths": ["*.sql"], "specialists": ["database"]}]})


def test_suppression_problems_are_file_notes_of_the_review() -> None:
    ws = workspace_from_trees(
        {},
        {
            MIGRATION: (
                "-- architect-review: ignore DB001 not a code without the stage\n"
                "-- architect-review: ignore RLS001\n"
                "create table t ();\n"
            )
        },
    )
    review = run_review(ws, config_from_mapping({}))
    assert review.stats.file_notes[MIGRATION] == [
        "line 1: suppression names unknown rule code(s) DB001; it suppresses nothing for them",
        "line 2: suppression of RLS001 gives no reason (write it after the code)",
    ]
    assert [(s.finding.rule, s.reason) for s in review.suppressed] == [
        ("RLS001", "no reason given")
    ]
