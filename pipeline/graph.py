"""The review as a LangGraph ``StateGraph``; all wiring is in :func:`build_graph`.

::

    load ─► route ─► Send ─► rls_security ───────┐
                      ├────► schema_performance ─┤
                      ├────► edge_reliability ───┼─► architect ─► render
                      └────► database ───────────┘   (applies the migrations to a
                                                      throwaway PostgreSQL)

Specialist nodes are ``async``: their rules run in a worker thread
(``asyncio.to_thread``) and the optional LLM part is awaited, so under
``ainvoke`` the three branches overlap fully.  Every node catches its own
failures and records them in the state: LangGraph fails the whole run when one
branch raises, and a crashed rule pack must not cost the other specialists'
findings.  No ``RetryPolicy`` is set: the Anthropic SDK retries on its own.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import time
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any, cast

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Send

from agents.architect.merge import deterministic_summary, merge_findings, verdict_for
from agents.changes import ChangedFile, Workspace
from agents.findings import SPECIALISTS, Specialist
from agents.specialist import LlmOutcome, LlmReviewer, LlmUsage, RuleOutcome
from pipeline.report import Review, ReviewStats, SpecialistStats, Verdict
from pipeline.routing import route
from pipeline.state import (
    DatabaseTask,
    ReviewInput,
    ReviewOutput,
    ReviewState,
    SpecialistRun,
    SpecialistTask,
)

log = logging.getLogger(__name__)

RuleRunner = Callable[[Sequence[ChangedFile], Workspace], RuleOutcome]
"""``agents.<specialist>.agent.run_rules``, or a test double."""

ARCHITECT = "architect"
DATABASE = "database"


def load_runner(specialist: Specialist) -> RuleRunner:
    """The specialist's ``run_rules``, imported on first use (missing → ImportError)."""
    module = importlib.import_module(f"agents.{specialist}.agent")
    return cast(RuleRunner, module.run_rules)


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _load(state: ReviewState) -> dict[str, Any]:
    """Record what the PR holds (the workspace itself is built by the caller)."""
    return {"files_seen": len(state["workspace"].files)}


def _route(state: ReviewState) -> dict[str, Any]:
    config = state["config"]
    plan = route(state["workspace"].files, config.routes, config.skip, config.max_file_bytes)
    return {"plan": plan}


def _fan_out(state: ReviewState) -> list[Send] | str:
    """One ``Send`` per specialist that has files; straight to the architect otherwise."""
    plan = state["plan"]
    sends = [
        Send(
            specialist,
            SpecialistTask(
                specialist=specialist,
                files=plan.files_for(specialist),
                workspace=state["workspace"],
            ),
        )
        for specialist in SPECIALISTS
        if plan.files_for(specialist)
    ]
    if state["config"].database != "off":
        sends.append(
            Send(DATABASE, DatabaseTask(workspace=state["workspace"], config=state["config"]))
        )
    return sends or ARCHITECT


async def _database_node(task: DatabaseTask) -> dict[str, Any]:
    """The database stage in a worker thread, beside the specialists (never raises)."""
    from agents.database.stage import DatabaseSettings, run_database_stage

    workspace, config = task["workspace"], task["config"]
    settings = DatabaseSettings.from_mapping(
        {**workspace.settings.get("database", {}), "mode": config.database}
    )
    outcome = await asyncio.to_thread(run_database_stage, workspace, settings)
    if settings.mode == "required" and outcome.status in ("unavailable", "deadline"):
        from agents.database.errors import DatabaseRequired

        raise DatabaseRequired(f"database: required, but {outcome.coverage_line()}")
    return {"database": outcome}


def _specialist_node(
    specialist: Specialist,
    runner: RuleRunner | None,
    llm: LlmReviewer | None,
) -> Callable[[SpecialistTask], Any]:
    """The async node of one specialist: rules in a thread, then the LLM."""

    def run(files: Sequence[ChangedFile], workspace: Workspace) -> RuleOutcome:
        chosen = runner if runner is not None else load_runner(specialist)
        return chosen(files, workspace)

    async def node(task: SpecialistTask) -> dict[str, Any]:
        started = time.perf_counter()
        files, workspace = task["files"], task["workspace"]
        record = SpecialistRun(specialist=specialist, files=[f.path for f in files], seconds=0.0)
        outcome = RuleOutcome()
        try:
            outcome = await asyncio.to_thread(run, files, workspace)
        except Exception as exc:  # recorded in the review, never lost: see module docstring
            record.error = _describe(exc)
            log.debug("%s rules failed", specialist, exc_info=True)
        llm_outcome = LlmOutcome()
        if llm is not None:
            try:
                llm_outcome = await llm.review(specialist, files, workspace, outcome.findings)
            except Exception as exc:  # the LLM part is optional; rules still count
                llm_outcome = LlmOutcome(error=_describe(exc), unreviewed=record.files)
                log.debug("%s LLM review failed", specialist, exc_info=True)
        record.findings = len(outcome.findings)
        record.llm_findings = len(llm_outcome.findings)
        record.notes = list(outcome.notes)
        record.llm_usage = llm_outcome.usage
        record.llm_unreviewed = list(llm_outcome.unreviewed)
        record.llm_error = llm_outcome.error
        record.seconds = time.perf_counter() - started
        return {
            "rule_findings": list(outcome.findings),
            "suppressed": list(outcome.suppressed),
            "llm_findings": list(llm_outcome.findings),
            "runs": [record],
        }

    node.__name__ = f"{specialist}_node"
    return node


def _architect_node(
    llm: LlmReviewer | None,
) -> Callable[[ReviewState], Coroutine[Any, Any, dict[str, Any]]]:
    async def architect(state: ReviewState) -> dict[str, Any]:
        from agents.database.merge import merge_with_measurements

        measured = merge_with_measurements(state.get("rule_findings", []), state.get("database"))
        merged = merge_findings(
            measured.findings, state.get("llm_findings", []), state["workspace"]
        )
        verdict = verdict_for(merged.findings)
        summary: str | None = None
        usage = LlmUsage()
        if llm is not None and state["config"].llm.summary and merged.findings:
            try:
                summary, usage = await llm.summarise(merged.findings)
            except Exception:  # a missing summary is not worth failing the review
                summary = None
        return {
            "merged": merged.findings,
            "verdict": verdict,
            "summary": summary or deterministic_summary(merged.findings, verdict),
            "summary_usage": usage,
            "merge_stats": {
                "duplicates_merged": merged.duplicates_merged,
                "llm_dropped": merged.llm_dropped,
                "llm_merged": merged.llm_merged,
            },
            "database_changed": measured.changed,
        }

    return architect


def _render(state: ReviewState) -> dict[str, Any]:
    """Assemble the output layer: the :class:`Review` every renderer reads."""
    plan = state["plan"]
    runs = sorted(state.get("runs", []), key=lambda r: SPECIALISTS.index(r.specialist))
    usage = state.get("summary_usage", LlmUsage())
    unreviewed: list[str] = []
    for r in runs:
        usage = usage.add(r.llm_usage)
        unreviewed.extend(p for p in r.llm_unreviewed if p not in unreviewed)
    merge_stats = state.get("merge_stats", {})
    database = state.get("database")
    database_notes: list[str] = []
    if database is not None:
        database_notes = [
            *database.notes,
            *state.get("database_changed", []),
            *database.probe_notes(),
        ]
    stats = ReviewStats(
        files_seen=state.get("files_seen", 0),
        routed={s: [f.path for f in fs] for s, fs in plan.by_specialist.items()},
        skipped=dict(plan.skipped),
        unrouted=list(plan.unrouted),
        specialists={
            r.specialist: SpecialistStats(
                specialist=r.specialist,
                files=r.files,
                seconds=r.seconds,
                findings=r.findings,
                llm_findings=r.llm_findings,
                notes=r.notes,
                error=r.error,
                llm_error=r.llm_error,
            )
            for r in runs
        },
        file_notes={f.path: list(f.notes) for f in state["workspace"].files if f.notes},
        llm_status=state["llm_status"],
        llm_usage=usage,
        llm_unreviewed=unreviewed,
        llm_dropped=merge_stats.get("llm_dropped", 0),
        llm_merged=merge_stats.get("llm_merged", 0),
        duplicates_merged=merge_stats.get("duplicates_merged", 0),
        database=database.coverage_line() if database is not None else None,
        database_notes=database_notes,
        probe=database.probe_line() if database is not None else None,
        existing_risks=database.existing_risks if database is not None else [],
    )
    review = Review(
        findings=list(state.get("merged", [])),
        suppressed=list(state.get("suppressed", [])),
        verdict=cast(Verdict, state.get("verdict", "approve")),
        summary=state.get("summary", ""),
        stats=stats,
    )
    return {"review": review}


def build_graph(
    *,
    runners: Mapping[Specialist, RuleRunner] | None = None,
    llm: LlmReviewer | None = None,
) -> CompiledStateGraph[ReviewState, None, ReviewInput, ReviewOutput]:
    """The compiled review graph.

    ``runners`` replaces a specialist's ``run_rules`` (tests); the others are
    imported lazily inside their node, so a missing or broken rule pack becomes
    an error recorded for that specialist.  ``llm`` adds the Claude part to
    every specialist and the summary to the architect.
    """
    runners = runners or {}
    graph = StateGraph(ReviewState, input_schema=ReviewInput, output_schema=ReviewOutput)
    graph.add_node("load", _load)
    graph.add_node("route", _route)
    for specialist in SPECIALISTS:
        node = _specialist_node(specialist, runners.get(specialist), llm)
        # Send hands the node a SpecialistTask, not the state; LangGraph's typing cannot say so.
        graph.add_node(specialist, cast(Any, node))
    graph.add_node(DATABASE, cast(Any, _database_node))
    graph.add_node(ARCHITECT, cast(Any, _architect_node(llm)))
    graph.add_node("render", _render)

    graph.add_edge(START, "load")
    graph.add_edge("load", "route")
    graph.add_conditional_edges("route", _fan_out, [*SPECIALISTS, DATABASE, ARCHITECT])
    for specialist in SPECIALISTS:
        graph.add_edge(specialist, ARCHITECT)
    graph.add_edge(DATABASE, ARCHITECT)
    graph.add_edge(ARCHITECT, "render")
    graph.add_edge("render", END)
    return graph.compile()
