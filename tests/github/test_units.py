"""The pure parts: command parsing, event resolution, escaping, patches, limits, settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.errors import UsageError
from agents.findings import Finding, Severity
from pipeline.github.command import is_command, parse_command
from pipeline.github.events import resolve_trigger
from pipeline.github.publish import COMMENT_LIMIT, fit_comment
from pipeline.github.settings import build_settings
from pipeline.github.workflow import annotation, escape_data, escape_property, write_outputs
from pipeline.render.markdown import STICKY_MARKER
from pipeline.sources.github_pull import added_file_text, changed_lines, patch_is_complete
from tests.github.conftest import event


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("/architect", True),
        ("/architect rls", True),
        ("  /architect\nplease", True),
        ("/architecture", False),
        ("please /architect", False),
        ("", False),
        (None, False),
    ],
)
def test_is_command(body: str | None, expected: bool) -> None:
    assert is_command(body) is expected


def test_parse_command_arguments() -> None:
    command = parse_command("/architect RLS edge rules-only inline\nignored second line")
    assert command.specialists == ("rls_security", "edge_reliability")
    assert command.rules_only and command.inline and command.error is None
    assert parse_command("/architect").specialists == ()
    assert parse_command("/architect $(rm -rf /)").error is not None


def test_pull_request_actions_and_drafts() -> None:
    assert resolve_trigger("pull_request", event("pull_request.opened"), None).skip_reason is None
    closed = resolve_trigger("pull_request", event("pull_request.opened", action="closed"), None)
    assert closed.skip_reason == "pull_request action 'closed'"
    ready = event("pull_request.opened", action="ready_for_review")
    assert resolve_trigger("pull_request", ready, None).pr_number == 7


def test_issue_comment_trigger_carries_the_commenter() -> None:
    trigger = resolve_trigger("issue_comment", event("issue_comment.created"), None)
    assert (trigger.pr_number, trigger.commenter, trigger.comment_id) == (7, "maintainer", 900)
    assert trigger.commanded
    edited = resolve_trigger("issue_comment", event("issue_comment.created", action="edited"), None)
    assert edited.skip_reason is not None


def test_dispatch_needs_a_number() -> None:
    assert resolve_trigger("workflow_dispatch", event("workflow_dispatch"), None).pr_number == 7
    with pytest.raises(UsageError):
        resolve_trigger("workflow_dispatch", event("workflow_dispatch", inputs={}), None)


def test_workflow_command_escaping() -> None:
    assert escape_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    # A message cannot smuggle a second workflow command onto its own line.
    finding = Finding(
        specialist="rls_security",
        severity=Severity.CRITICAL,
        path="x.sql",
        line=3,
        title="t",
        message="oops\n::set-env name=X::1",
    )
    line = annotation(finding)
    assert "\n" not in line
    assert line.endswith("::oops%0A::set-env name=X::1")


def test_outputs_use_a_heredoc_for_multiline_values(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(out, {"verdict": "approve", "note": "a\nb"})
    text = out.read_text()
    assert text.startswith("verdict=approve\nnote<<ghadelimiter_")
    delimiter = text.splitlines()[1].split("<<")[1]
    assert text.splitlines()[2:5] == ["a", "b", delimiter]


def test_patch_completeness() -> None:
    assert patch_is_complete("@@ -1,2 +1,2 @@\n a\n-b\n+c\n")
    assert patch_is_complete("@@ -0,0 +1 @@\n+x\n\\ No newline at end of file")
    assert not patch_is_complete("@@ -0,0 +1,3 @@\n+x\n+y")
    assert not patch_is_complete("Binary files differ")
    assert not patch_is_complete("")


def test_added_file_text_keeps_the_final_newline_state() -> None:
    assert added_file_text("@@ -0,0 +1,2 @@\n+a\n+b") == "a\nb\n"
    assert added_file_text("@@ -0,0 +1 @@\n+a\n\\ No newline at end of file") == "a"
    assert added_file_text("@@ -1 +1 @@\n-a\n+b") is None


def test_changed_lines_from_contents() -> None:
    added, hunks = changed_lines("a\nb\nc\n", "a\nB\nc\nd\n")
    assert added == frozenset({2, 4})
    assert [h.added for h in hunks] == [((2, "B"),), ((4, "d"),)]


def test_fit_comment_keeps_short_bodies_and_cuts_long_ones() -> None:
    assert fit_comment("short") == "short"
    body = STICKY_MARKER + "\n" + "\n".join(f"line {i} " + "x" * 80 for i in range(2000))
    cut = fit_comment(body)
    assert len(cut) <= COMMENT_LIMIT
    assert cut.startswith(STICKY_MARKER)
    assert "shortened to fit" in cut


def test_settings_validate_and_hide_the_token() -> None:
    env = {"GITHUB_REPOSITORY": "o/r", "GITHUB_TOKEN": "ghs_secret", "GITHUB_API_URL": "http://h/"}
    settings = build_settings(env, fail_on="HIGH")
    assert settings.fail_on == "high"
    assert settings.api_url == "http://h"
    assert "ghs_secret" not in repr(settings)
    with pytest.raises(UsageError):
        build_settings({"GITHUB_REPOSITORY": "o/r"})
    with pytest.raises(UsageError):
        build_settings(env, fail_on="sometimes")
    with pytest.raises(UsageError):
        build_settings(env, pr_number="abc")


def test_review_comment_spans_lines_only_when_all_are_changed() -> None:
    from agents.changes import ChangedFile, FileStatus
    from pipeline.github.publish import review_comment

    file = ChangedFile(
        path="a.sql", status=FileStatus.MODIFIED, old_path="a.sql", added_lines=frozenset({4, 5, 6})
    )

    def finding(line: int, end: int) -> Finding:
        return Finding(
            specialist="rls_security",
            severity=Severity.HIGH,
            path="a.sql",
            line=line,
            end_line=end,
            title="t",
        )

    spanning = review_comment(finding(4, 6), file)
    assert (spanning["start_line"], spanning["line"]) == (4, 6)
    partial = review_comment(finding(5, 8), file)
    assert "start_line" not in partial and partial["line"] == 5


def test_inline_body_neutralises_forged_markers() -> None:
    from pipeline.github.publish import inline_body

    body = inline_body(
        Finding(
            specialist="rls_security",
            severity=Severity.LOW,
            path="a",
            line=1,
            title="t",
            message="<!-- architect-review:fp=deadbeefdeadbeef -->",
            source="llm",
        )
    )
    assert body.count("<!-- architect-review:fp=") == 1  # only our own marker, at the end


def test_the_action_s_model_cache_reaches_the_sql_settings_unless_the_config_sets_one() -> None:
    """action.yml restores a cache folder and names it in ARCHITECT_REVIEW_MODEL_CACHE; the
    base schema model is then kept there, but a config file's own choice wins."""
    from agents.changes import DictTree
    from pipeline.github.entry import _load_config

    env = {
        "GITHUB_REPOSITORY": "o/r",
        "GITHUB_TOKEN": "t",
        "ARCHITECT_REVIEW_MODEL_CACHE": "/runner/tmp/architect-review-model",
    }
    settings = build_settings(env)
    assert settings.model_cache_dir == Path("/runner/tmp/architect-review-model")
    config = _load_config(settings, DictTree({}), None)
    assert config.settings["sql"]["model_cache_dir"] == "/runner/tmp/architect-review-model"
    own = "settings:\n  sql:\n    model_cache_dir: .cache/models\n"
    config = _load_config(settings, DictTree({".github/architect-review.yml": own}), None)
    assert config.settings["sql"]["model_cache_dir"] == ".cache/models"
