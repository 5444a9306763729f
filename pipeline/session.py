"""One review session, the same for both front ends.

``architect-review review`` (:mod:`pipeline.cli`) and ``architect-review
github`` (:mod:`pipeline.github.entry`) differ only in where the change comes
from (:mod:`pipeline.sources`) and where the review goes (stdout or a file; a
sticky comment, the step summary and outputs).  Everything between is here,
once::

    config = load_config(...)            # or config_from_text(): read once
    session = ReviewSession.start(config, environ, no_llm=...)
    review = session.review(workspace)   # empty change → "nothing to review"
    code = session.exit_code(review)     # pipeline.gate: 0 or 1

Whether Claude takes part is decided at start (:func:`make_llm_reviewer`),
from the environment the front end read once; the anthropic SDK is imported
only then.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from agents.changes import Workspace
from agents.errors import ExitCode
from agents.registry import Stage
from agents.specialist import LlmReviewer, RuleRunner
from pipeline.config import Config
from pipeline.gate import exit_code
from pipeline.report import Review, ReviewStats
from pipeline.review import run_review

API_KEY_ENV = "ANTHROPIC_API_KEY"
BASE_URL_ENV = "ANTHROPIC_BASE_URL"

RULES_ONLY_NO_KEY = f"rules only: {API_KEY_ENV} not set"
RULES_ONLY_NO_LLM = "rules only: --no-llm"


def make_llm_reviewer(
    config: Config, environ: Mapping[str, str], no_llm: bool
) -> tuple[LlmReviewer | None, str]:
    """The LLM reviewer for this run and a status line saying why (not) Claude.

    ``agents.llm`` (and with it the anthropic SDK, ~1 s to import) is imported
    only when a key is present and ``--no-llm`` is not given.
    """
    if no_llm:
        return None, RULES_ONLY_NO_LLM
    api_key = environ.get(API_KEY_ENV, "").strip()
    if not api_key:
        return None, RULES_ONLY_NO_KEY
    try:
        from agents.llm import build_reviewer  # type: ignore[attr-defined,unused-ignore]
    except ImportError as exc:
        return None, f"rules only: LLM client unavailable ({exc})"
    try:
        reviewer: LlmReviewer = build_reviewer(
            config.llm, api_key=api_key, base_url=environ.get(BASE_URL_ENV) or None
        )
    except Exception as exc:  # the LLM is optional: the rules still give a review
        return None, f"rules only: LLM client failed to start ({type(exc).__name__}: {exc})"
    return reviewer, f"claude ({config.llm.model})"


@dataclass(frozen=True)
class ReviewSession:
    """The frozen config of one run, whether Claude takes part, and what to do with a review."""

    config: Config
    llm: LlmReviewer | None
    llm_status: str
    """``claude (MODEL)`` or ``rules only: <why>``, shown in the review's footer."""
    stages: Sequence[Stage] | None = None
    """The stages to run (default: :data:`agents.registry.STAGES`; tests pass doubles)."""

    @classmethod
    def start(
        cls,
        config: Config,
        environ: Mapping[str, str],
        *,
        no_llm: bool = False,
        stages: Sequence[Stage] | None = None,
    ) -> ReviewSession:
        """Decide about Claude (``environ`` holds the ``ANTHROPIC_*`` variables)."""
        llm, status = make_llm_reviewer(config, environ, no_llm)
        return cls(config, llm, status, stages)

    def review(
        self, workspace: Workspace, *, runners: Mapping[str, RuleRunner] | None = None
    ) -> Review:
        """The review of ``workspace`` (a change without files is "nothing to review").

        ``runners`` replaces the ``run`` of named stages: the collectors of the
        worker processes :mod:`pipeline.prefork` started, or test doubles.
        """
        if not workspace.files:
            return empty_review(self.llm_status)
        return run_review(
            workspace,
            self.config,
            llm=self.llm,
            llm_status=self.llm_status,
            stages=self.stages,
            runners=runners or None,
        )

    def exit_code(self, review: Review) -> ExitCode:
        """``FINDINGS`` when ``review`` has a finding at or above the config's ``fail_on``."""
        return exit_code(review, self.config.fail_on)


def empty_review(llm_status: str) -> Review:
    """The review of a change with no files: nothing to review."""
    return Review(
        findings=[],
        suppressed=[],
        verdict="approve",
        summary="Nothing to review: the change is empty.",
        stats=ReviewStats(llm_status=llm_status),
    )
