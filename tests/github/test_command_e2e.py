"""``/architect`` comments: who may run it, the 👀 reaction, arguments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.github.command import USAGE
from pipeline.github.entry import DENIED_REPLY
from pipeline.render.markdown import STICKY_MARKER
from tests.github.conftest import event, run_action, standard_pull
from tests.github.fake_github import FakeGitHub


def comment_event(body: str = "/architect", login: str = "maintainer") -> dict[str, Any]:
    payload = event("issue_comment.created")
    payload["comment"]["body"] = body
    payload["comment"]["user"]["login"] = login
    return payload


def sticky(fake: FakeGitHub) -> list[dict[str, Any]]:
    return [c for c in fake.issue_comments.get(7, []) if STICKY_MARKER in c["body"]]


def test_collaborator_with_write_runs_it_and_gets_eyes(fake: FakeGitHub, tmp_path: Path) -> None:
    standard_pull(fake)
    fake.permissions["maintainer"] = "write"
    run = run_action(fake, tmp_path, "issue_comment", comment_event())

    assert run.exit_code == 0
    assert len(sticky(fake)) == 1
    assert [(r["content"], r["comment_id"]) for r in fake.reactions] == [("eyes", 900)]
    assert fake.requests("GET", r"/repos/octo/app/collaborators/maintainer/permission")


def test_admin_may_review_a_draft_by_command(fake: FakeGitHub, tmp_path: Path) -> None:
    standard_pull(fake, draft=True)
    fake.permissions["maintainer"] = "admin"
    run_action(fake, tmp_path, "issue_comment", comment_event())
    assert len(sticky(fake)) == 1


def test_read_only_user_gets_no_review_and_a_polite_reply(fake: FakeGitHub, tmp_path: Path) -> None:
    standard_pull(fake)
    fake.permissions["visitor"] = "read"
    run = run_action(fake, tmp_path, "issue_comment", comment_event(login="visitor"))

    assert run.exit_code == 0
    assert sticky(fake) == []
    assert fake.reactions == []
    assert [c["body"] for c in fake.issue_comments[7]] == [DENIED_REPLY]
    assert not fake.requests("GET", r"/repos/octo/app/pulls/7/files")
    assert run.outputs["verdict"] == "skipped"


def test_comment_that_is_not_a_command_does_nothing(fake: FakeGitHub, tmp_path: Path) -> None:
    standard_pull(fake)
    for body in ("please /architect this", "/architecture is nice", "LGTM"):
        run = run_action(fake, tmp_path, "issue_comment", comment_event(body))
        assert run.exit_code == 0
    assert fake.log == []


def test_comment_on_an_issue_is_ignored(fake: FakeGitHub, tmp_path: Path) -> None:
    payload = comment_event()
    del payload["issue"]["pull_request"]
    run = run_action(fake, tmp_path, "issue_comment", payload)
    assert run.exit_code == 0
    assert fake.log == []


def test_unknown_arguments_get_the_usage_line(fake: FakeGitHub, tmp_path: Path) -> None:
    standard_pull(fake)
    fake.permissions["maintainer"] = "maintain"
    run_action(fake, tmp_path, "issue_comment", comment_event("/architect pleese"))

    assert sticky(fake) == []
    bodies = [c["body"] for c in fake.issue_comments[7]]
    assert len(bodies) == 1 and USAGE in bodies[0]
    assert "pleese" not in bodies[0]  # untrusted text is never echoed


def test_specialist_argument_limits_the_review(fake: FakeGitHub, tmp_path: Path) -> None:
    standard_pull(fake)
    fake.permissions["maintainer"] = "write"
    run = run_action(
        fake,
        tmp_path,
        "issue_comment",
        comment_event("/architect edge rules-only"),
        env={"ANTHROPIC_API_KEY": "sk-ant-test"},
    )

    # The marker finding comes from rls_security, which this command leaves out.
    assert run.outputs["findings"] == "0"
    assert "Marker finding" not in sticky(fake)[0]["body"]
    body = sticky(fake)[0]["body"]
    assert "rules only" in body
    assert "ANTHROPIC" not in body  # not "no key": the command asked for rules only
    assert "sk-ant-test" not in body
