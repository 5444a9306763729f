"""PR SQL is untrusted code: a hostile migration gets nothing and cannot outlive the deadline.

Each statement below is what an attacker would try from a PR's migration.  The
assertions check the *effect* (no file written, no command run, no secret
read), not only that PostgreSQL said no.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from agents.database.stage import DatabaseSettings
from tests.database.helpers import stage

BASE = {"20240101000000_init.sql": "create table public.t (id int);\n"}


@pytest.mark.parametrize(
    "attack",
    [
        "copy (select 1) to program 'touch {marker}';",
        "copy public.t from program 'touch {marker}';",
        "select pg_read_file('/etc/hostname');",
        "create table public.leak (t text); copy public.leak from '/etc/hostname';",
        "select lo_import('/etc/hostname');",
        "select pg_ls_dir('.');",
        "create extension dblink;",
        "create extension postgres_fdw;",
        "create extension file_fdw;",
        "create language plpython3u;",
        "alter system set shared_preload_libraries = 'x';",
        "create role evil superuser;",
        "alter role postgres superuser;",
        "grant pg_execute_server_program to postgres;",
        "set role supabase_admin;",
    ],
)
def test_each_escape_is_refused(attack: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    out = stage(BASE, {"20261201000000_evil.sql": attack.format(marker=marker) + "\n"})
    assert out.status == "ran"
    assert not marker.exists()
    assert len(out.findings) == 1  # the statement failed: reported, never executed
    evidence = out.findings[0].evidence or ""
    assert (
        "permission denied" in evidence
        or "must be" in evidence
        or "not available" in evidence
        or "superuser" in evidence
        or "not allowed" in evidence
    ), evidence


def test_environment_of_the_review_is_not_readable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-secret-value")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp-secret-value")
    sql = (
        "create table public.env as select name, setting from pg_settings;\n"
        "do $$ begin if exists (select 1 from public.env where setting like '%secret-value%') "
        "then raise exception 'leaked'; end if; end $$;\n"
    )
    out = stage(BASE, {"20261201000000_env.sql": sql})
    assert out.status == "ran" and out.findings == [], out.findings
    assert os.environ["GITHUB_TOKEN"] == "ghp-secret-value"


@pytest.mark.parametrize(
    "attack",
    [
        "select pg_sleep(600);",
        "set statement_timeout = 0; select pg_sleep(600);",
        "select count(*) from generate_series(1, 1e12::bigint);",
    ],
)
def test_timeouts_stop_runaway_sql_and_the_review_completes(attack: str) -> None:
    started = time.monotonic()
    out = stage(
        BASE,
        {"20261201000000_slow.sql": attack + "\n"},
        DatabaseSettings(statement_timeout=1.0, deadline=20.0),
    )
    assert time.monotonic() - started < 15
    assert out.status == "ran"
    # cancelled (57014) or stopped by temp_file_limit (53400), whichever comes first
    assert any(code in (f.evidence or "") for f in out.findings for code in ("57014", "53400")), (
        out.findings
    )


def test_total_deadline_stops_the_stage() -> None:
    many = {f"2026120100000{i}_slow.sql": "select pg_sleep(0.4);\n" for i in range(10)}
    started = time.monotonic()
    out = stage(BASE, many, DatabaseSettings(statement_timeout=5.0, deadline=1.5))
    assert time.monotonic() - started < 1.5 + 5.0
    assert out.status == "deadline"
    assert "stopped at the deadline" in out.coverage_line()


def test_probe_runs_pr_triggers_without_superuser_rights(tmp_path: Path) -> None:
    marker = tmp_path / "pwned-by-trigger"
    sql = (
        "create table public.t2 (id uuid primary key default gen_random_uuid(), body text);\n"
        "alter table public.t2 enable row level security;\n"
        "create function public.evil() returns trigger language plpgsql as $$ begin\n"
        f"  copy (select 1) to program 'touch {marker}'; return new; end $$;\n"
        "create trigger evil before insert on public.t2\n"
        "  for each row execute function public.evil();\n"
    )
    out = stage(BASE, {"20261201000000_trigger.sql": sql})
    assert out.status == "ran" and not marker.exists()
    report = out.probes[0]
    assert report.status == "ran"
    assert "permission denied" in report.not_probed["public.t2"] or (
        "superuser" in report.not_probed["public.t2"]
    ), report.not_probed


def test_a_policy_that_sleeps_cannot_outlive_the_deadline() -> None:
    sql = (
        "create table public.slow (id uuid primary key default gen_random_uuid());\n"
        "alter table public.slow enable row level security;\n"
        'create policy "slow" on public.slow for select to authenticated, anon\n'
        "  using (pg_sleep(3) is not null);\n"
    )
    started = time.monotonic()
    out = stage(
        BASE,
        {"20261201000000_slow.sql": sql},
        DatabaseSettings(statement_timeout=1.0, deadline=8.0),
    )
    assert time.monotonic() - started < 8.0 + 5.0
    assert out.status in ("ran", "deadline")
