"""Run one review: build the graph, invoke it, hand back the :class:`Review`.

This is the one entry point the CLI and the GitHub Action share.  The caller
builds the :class:`~agents.changes.Workspace` (from git, a diff file or the
GitHub API) and the :class:`~pipeline.config.Config`; this module decides
whether Claude takes part (:func:`make_llm_reviewer`) and runs the graph.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping, Sequence

from agents import registry
from agents.changes import Workspace
from agents.registry import Stage, with_runs
from agents.specialist import LlmReviewer, RuleRunner
from pipeline.config import Config
from pipeline.graph import build_graph
from pipeline.report import Review, ReviewStats
from pipeline.state import ReviewInput

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


def _with_settings(workspace: Workspace, config: Config) -> Workspace:
    update: dict[str, object] = {}
    if config.settings and not workspace.settings:
        update["settings"] = dict(config.settings)
    if config.projects and not workspace.project_specs:
        update["project_specs"] = tuple(config.projects)
    return dataclasses.replace(workspace, **update) if update else workspace  # type: ignore[arg-type]


def _stages(
    stages: Sequence[Stage] | None, runners: Mapping[str, RuleRunner] | None
) -> tuple[Stage, ...]:
    chosen = registry.STAGES if stages is None else tuple(stages)
    return with_runs(chosen, runners) if runners else chosen


async def arun_review(
    workspace: Workspace,
    config: Config,
    *,
    llm: LlmReviewer | None = None,
    llm_status: str | None = None,
    stages: Sequence[Stage] | None = None,
    runners: Mapping[str, RuleRunner] | None = None,
) -> Review:
    """Review ``workspace`` (async).

    ``stages`` defaults to :data:`agents.registry.STAGES`; ``runners`` replaces
    the ``run`` of named stages (test doubles for rule packs).
    """
    graph = build_graph(stages=_stages(stages, runners), llm=llm, llm_model=config.llm.model)
    status = llm_status or (f"claude ({config.llm.model})" if llm else "rules only")
    state: ReviewInput = {
        "workspace": _with_settings(workspace, config),
        "config": config,
        "llm_status": status,
    }
    result = await graph.ainvoke(state)
    review: Review = result["review"]
    return review


def run_review(
    workspace: Workspace,
    config: Config,
    *,
    llm: LlmReviewer | None = None,
    llm_status: str | None = None,
    stages: Sequence[Stage] | None = None,
    runners: Mapping[str, RuleRunner] | None = None,
) -> Review:
    """Review ``workspace`` (blocking wrapper around :func:`arun_review`)."""
    return asyncio.run(
        arun_review(
            workspace, config, llm=llm, llm_status=llm_status, stages=stages, runners=runners
        )
    )


def empty_review(llm_status: str) -> Review:
    """The review of a change with no files: nothing to review."""
    return Review(
        findings=[],
        suppressed=[],
        verdict="approve",
        summary="Nothing to review: the change is empty.",
        stats=ReviewStats(llm_status=llm_status),
    )
