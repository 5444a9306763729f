"""``architect-review github`` through the real CLI and the real rule packs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.render.markdown import STICKY_MARKER
from tests.github.conftest import event, standard_pull
from tests.github.fake_github import REPO, TOKEN, FakeGitHub


def test_cli_github_reviews_and_comments(
    fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard_pull(fake)
    event_path = tmp_path / "event.json"
    event_path.write_text(json.dumps(event("pull_request.opened")))
    output = tmp_path / "output"
    summary = tmp_path / "summary"
    for name, value in {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_API_URL": fake.api_url,
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
        "ARCHITECT_REVIEW_FAIL_ON": "never",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)

    code = main(["github"])

    assert code == 0
    (comment,) = fake.issue_comments[7]
    assert comment["body"].startswith(STICKY_MARKER)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    assert outputs["verdict"] in ("approve", "comment", "request_changes")
    assert outputs["comment-url"] == comment["html_url"]
    assert summary.read_text().startswith(STICKY_MARKER)


def test_cli_github_without_repository_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    assert main(["github"]) == 2
    assert "GITHUB_REPOSITORY" in capsys.readouterr().err
