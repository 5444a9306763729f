"""Run one review through the graph: build it, invoke it, hand back the :class:`Review`.

Front ends do not call this directly: :class:`pipeline.session.ReviewSession`
does, after deciding whether Claude takes part.  Tests call it to run the real
graph with stand-in stages.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

from agents import registry
from agents.changes import Workspace
from agents.registry import Stage, with_runs
from agents.specialist import LlmReviewer, RuleRunner
from pipeline.config import Config, configured_workspace
from pipeline.gc_pause import gc_paused
from pipeline.graph import build_graph
from pipeline.report import Review
from pipeline.state import ReviewInput


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
        "workspace": configured_workspace(workspace, config),
        "config": config,
        "llm_status": status,
    }
    with gc_paused():
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
