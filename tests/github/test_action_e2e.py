"""End to end: the action against the fake GitHub server, one trigger at a time."""

from __future__ import annotations

from pathlib import Path

from pipeline.render.markdown import STICKY_MARKER
from tests.github.conftest import (
    HEAD,
    event,
    run_action,
    standard_pull,
)
from tests.github.fake_github import BOT, FakeGitHub


def sticky_comments(fake: FakeGitHub, number: int = 7) -> list[dict[str, object]]:
    return [c for c in fake.issue_comments.get(number, []) if STICKY_MARKER in str(c["body"])]


def test_first_run_creates_one_comment(fake: FakeGitHub, tmp_path: Path) -> None:
    standard_pull(fake)
    run = run_action(fake, tmp_path, "pull_request", event("pull_request.opened"))

    comments = sticky_comments(fake)
    assert len(comments) == 1
    body = str(comments[0]["body"])
    assert "Marker finding at line 3" in body
    assert run.outputs["verdict"] == "request_changes"
    assert run.outputs["high"] == "1"
    assert run.outputs["critical"] == "0"
    assert run.outputs["comment-url"].endswith(f"#issuecomment-{comments[0]['id']}")
    assert run.exit_code == 0  # fail-on defaults to never
    assert "Marker finding" in run.summary  # the step summary has the same review
    # The finding links to the head commit on the configured server.
    assert f"{fake.web_url}/octo/app/blob/{HEAD}/supabase/migrations" in body


def test_second_run_edits_the_same_comment(fake: FakeGitHub, tmp_path: Path) -> None:
    standard_pull(fake)
    run_action(fake, tmp_path, "pull_request", event("pull_request.opened"))
    first = sticky_comments(fake)[0]
    run = run_action(
        fake, tmp_path, "pull_request", event("pull_request.opened", action="synchronize")
    )

    comments = sticky_comments(fake)
    assert len(comments) == 1
    assert comments[0]["id"] == first["id"]
    assert comments[0]["updated_at"] != comments[0]["created_at"]
    assert len(fake.requests("PATCH", r"/repos/octo/app/issues/comments/\d+")) == 1
    assert len(fake.requests("POST", r"/repos/octo/app/issues/7/comments")) == 1
    assert run.outputs["comment-url"].endswith(f"#issuecomment-{first['id']}")


def test_comment_with_marker_by_someone_else_is_not_taken_over(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    standard_pull(fake)
    quoted = fake.comment_json(7, f"quoting the bot: {STICKY_MARKER}", "mallory", "User")
    fake.issue_comments[7] = [quoted]
    run_action(fake, tmp_path, "pull_request", event("pull_request.opened"))

    ours = [c for c in sticky_comments(fake) if c["user"]["login"] == BOT]  # type: ignore[index]
    assert len(ours) == 1
    assert quoted["body"] == f"quoting the bot: {STICKY_MARKER}"
    assert not fake.requests("PATCH")


def test_draft_pull_request_is_skipped(fake: FakeGitHub, tmp_path: Path) -> None:
    standard_pull(fake, draft=True)
    payload = event("pull_request.opened")
    payload["pull_request"]["draft"] = True
    run = run_action(fake, tmp_path, "pull_request", payload)

    assert run.exit_code == 0
    assert run.outputs["verdict"] == "skipped"
    assert fake.log == []  # decided from the payload: not a single API call


def test_dispatch_reviews_the_pr_by_number(fake: FakeGitHub, tmp_path: Path) -> None:
    standard_pull(fake, number=12, draft=True)
    run = run_action(
        fake, tmp_path, "workflow_dispatch", event("workflow_dispatch", inputs={"pr_number": "12"})
    )

    assert run.exit_code == 0
    assert len(sticky_comments(fake, 12)) == 1
    assert fake.requests("GET", r"/repos/octo/app/pulls/12")
    assert not fake.requests("GET", r"/repos/octo/app/pulls/7")


def test_fail_on_sets_the_exit_code(fake: FakeGitHub, tmp_path: Path) -> None:
    standard_pull(fake)
    high = run_action(fake, tmp_path, "pull_request", event("pull_request.opened"), fail_on="high")
    critical = run_action(
        fake, tmp_path, "pull_request", event("pull_request.opened"), fail_on="critical"
    )
    assert high.exit_code == 1
    assert critical.exit_code == 0


def test_annotations_for_high_findings_are_escaped(fake: FakeGitHub, tmp_path: Path) -> None:
    standard_pull(fake)
    run = run_action(fake, tmp_path, "pull_request", event("pull_request.opened"))
    errors = [line for line in run.stdout if line.startswith("::error ")]
    assert errors == [
        "::error file=supabase/migrations/20240201000000_todos.sql,line=3,"
        "title=TEST001 Marker finding at line 3 (high)"
        "::A line marked as a finding.%0ARemove the marker."
    ]


def test_the_token_never_reaches_logs_comments_or_outputs(
    fake: FakeGitHub, tmp_path: Path, capsys: object
) -> None:
    from tests.github.fake_github import TOKEN

    standard_pull(fake)
    fake.forbid_writes = True
    run = run_action(fake, tmp_path, "pull_request", event("pull_request.opened"))
    everything = "\n".join([*run.stdout, run.summary, *run.outputs.values()])
    everything += str(fake.issue_comments)
    assert TOKEN not in everything


def test_personal_token_finds_its_comment_by_its_own_login(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    standard_pull(fake)
    fake.token = "ghp_personal0123456789"
    fake.user_login = fake.comment_author = "octo-bot"
    env = {"GITHUB_TOKEN": fake.token}
    run_action(fake, tmp_path, "pull_request", event("pull_request.opened"), env=env)
    run_action(fake, tmp_path, "pull_request", event("pull_request.opened"), env=env)

    assert len(fake.requests("GET", "/user")) == 2
    (comment,) = sticky_comments(fake)
    assert comment["user"]["login"] == "octo-bot"  # type: ignore[index]
    assert len(fake.requests("PATCH")) == 1
