"""The one review session both front ends use: Claude or not, empty changes, exit codes."""

from __future__ import annotations

from agents.errors import ExitCode
from agents.findings import Severity
from pipeline.config import Config
from pipeline.gate import FAIL_ON_CHOICES
from pipeline.report import Review
from pipeline.session import RULES_ONLY_NO_KEY, RULES_ONLY_NO_LLM, ReviewSession
from tests.helpers.workspace import workspace_from_trees

from .factories import finding


def test_fail_on_choices_are_the_severities_that_can_fail_plus_never() -> None:
    severities = tuple(s.value for s in Severity if s is not Severity.INFO)
    assert (*severities, "never") == FAIL_ON_CHOICES


def test_start_decides_about_claude_once() -> None:
    assert ReviewSession.start(Config(), {}).llm_status == RULES_ONLY_NO_KEY
    session = ReviewSession.start(Config(), {"ANTHROPIC_API_KEY": "k"}, no_llm=True)
    assert (session.llm, session.llm_status) == (None, RULES_ONLY_NO_LLM)


def test_an_empty_change_is_nothing_to_review() -> None:
    session = ReviewSession.start(Config(), {})
    review = session.review(workspace_from_trees({}, {}))
    assert review.summary == "Nothing to review: the change is empty."
    assert session.exit_code(review) is ExitCode.OK


def test_exit_code_follows_the_configs_fail_on() -> None:
    review = Review([finding(severity=Severity.MEDIUM)], [], "comment", "")
    for fail_on, expected in (
        ("never", ExitCode.OK),
        ("high", ExitCode.OK),
        ("medium", ExitCode.FINDINGS),
    ):
        config = Config().with_overrides(fail_on=fail_on)  # type: ignore[arg-type]
        assert ReviewSession.start(config, {}).exit_code(review) is expected
