"""The database stage in the Action: the base history from the local checkout (or the API),
the PR's migrations from the API, applied to a real PostgreSQL (the suite's shared server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.findings import SPECIALISTS
from pipeline.render.markdown import STICKY_MARKER
from tests.github.conftest import (
    BASE,
    BASE_MIGRATION,
    BASE_PATH,
    HEAD,
    base_checkout,
    event,
    no_findings,
    run_action,
)
from tests.github.fake_github import FakeGitHub, Pull, PullFile, added_patch

PR_PATH = "supabase/migrations/20261201000000_nicknames.sql"
PR_MIGRATION = (
    "alter table public.profiles add column nickname text;\n"
    "update public.profiles set nick_name = 'x';\n"
)
"""Line 2 names a column that does not exist: the deploy fails there."""

RULES_SILENT = dict.fromkeys(SPECIALISTS, no_findings)
"""The rule packs say nothing: what the comment shows came from the database stage."""


@pytest.mark.parametrize("base_from", ["checkout", "api"])
def test_the_prs_migrations_reach_the_database_stage(
    fake: FakeGitHub, tmp_path: Path, base_from: str
) -> None:
    base_sha, env = BASE, {}
    if base_from == "checkout":
        checkout, base_sha = base_checkout(tmp_path)
        env = {"GITHUB_WORKSPACE": str(checkout)}
    fake.add_commit(base_sha, {BASE_PATH: BASE_MIGRATION})
    fake.add_commit(HEAD, {BASE_PATH: BASE_MIGRATION, PR_PATH: PR_MIGRATION})
    patch = added_patch(PR_MIGRATION)
    fake.add_pull(Pull(7, HEAD, base_sha, [PullFile(PR_PATH, "added", patch, additions=2)]))

    run = run_action(
        fake, tmp_path, "pull_request", event("pull_request.opened"), env=env, runners=RULES_SILENT
    )

    body = next(str(c["body"]) for c in fake.issue_comments[7] if STICKY_MARKER in str(c["body"]))
    assert "Migration fails to deploy" in body and "42703" in body
    assert "20261201000000\\_nicknames.sql:2" in body
    assert "— applied 1 of 2 migrations (0 of 1 from this PR)" in body
    assert run.outputs["high"] == "1" and run.outputs["verdict"] == "request_changes"
    # the added file's text came from its patch: no request for the PR's file at head
    assert not fake.requests("GET", rf"/repos/octo/app/contents/{PR_PATH}")
    if base_from == "checkout":  # the base history came from the checkout, not the API
        assert not fake.requests("GET", r"/repos/octo/app/git/.*")
        assert not fake.requests("GET", r"/repos/octo/app/contents/.*")
