"""The review as a LangGraph ``StateGraph``; all wiring is in :func:`build_graph`.

::

    load ─► route ─► Send ─► rls_security ───────┐
                      ├────► schema_performance ─┼─► architect ─► render
                      ├────► edge_reliability ───┤
                      └────► (any other stage) ──┘

One node per stage of :data:`agents.registry.STAGES` (the graph has no list
of its own).  Stage nodes are ``async``: their rules run in a worker thread
(``asyncio.to_thread``) and the optional LLM part is awaited, so under
``ainvoke`` the branches overlap fully.  Each node returns the coverage row
the review shows (:class:`~pipeline.report.SpecialistStats`), the risks it
proved outside the PR, and its cross-check of the review's rule findings, if
it has one; the architect applies every cross-check (in registry order) to
all rule findings before merging them; the render node assembles the
:class:`~pipeline.report.Review` from the state, and nothing is patched after
the graph returns.  Every node catches its own failures and records them in
the state: LangGraph fails the whole run when one branch raises, and a crashed
rule pack must not cost the other stages' findings.  The one exception is
:class:`~agents.errors.ReviewAborted`, which a stage raises when the
configuration makes it a condition of the review: it ends the run.  No
``RetryPolicy`` is set: the Anthropic SDK retries on its own.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, cast

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Send

from agents import registry
from agents.architect.merge import deterministic_summary, merge_findings, verdict_for
from agents.changes import Workspace
from agents.errors import ReviewAborted
from agents.findings import Finding
from agents.registry import Stage
from agents.specialist import LlmOutcome, LlmReviewer, LlmUsage, RuleOutcome
from agents.suppression import suppressions_in
from pipeline.report import Review, ReviewStats, SpecialistStats, Verdict
from pipeline.routing import RoutingPlan, plan_for
from pipeline.state import ReviewInput, ReviewOutput, ReviewState, StageTask

log = logging.getLogger(__name__)

ARCHITECT = "architect"


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _load(state: ReviewState) -> dict[str, Any]:
    """Start the review's clock and record what the PR holds (the caller built the workspace)."""
    return {"files_seen": len(state["workspace"].files), "started": time.perf_counter()}


def _route_node(stages: Sequence[Stage]) -> Callable[[ReviewState], dict[str, Any]]:
    def route_files(state: ReviewState) -> dict[str, Any]:
        config, workspace = state["config"], state["workspace"]
        plan = plan_for(workspace, config.routes, config.skip, config.max_file_bytes, stages)
        notes = _suppression_problems(plan, stages)
        for path in _outside_projects(plan, workspace):
            notes.setdefault(path, []).append(OUTSIDE_PROJECTS_NOTE)
        return {"plan": plan, "file_problems": notes}

    return route_files


OUTSIDE_PROJECTS_NOTE = (
    "outside every Supabase project: reviewed as plain SQL, without a project's migration history"
)


def _outside_projects(plan: RoutingPlan, workspace: Workspace) -> list[str]:
    """Reviewed SQL files that belong to no Supabase project (said in the review)."""
    reviewed = {f.path for files in plan.by_stage.values() for f in files}
    return [p for p in sorted(reviewed) if p.endswith(".sql") and workspace.project_for(p) is None]


def _suppression_problems(plan: RoutingPlan, stages: Sequence[Stage]) -> dict[str, list[str]]:
    """Path → the suppression comments of a reviewed file the review cannot take as written
    (unknown code, no reason, not ``ignore CODE``): reported once per file, by the pipeline,
    whichever stages read the file."""
    known = registry.known_codes(stages)
    reviewed = {f.path: f for files in plan.by_stage.values() for f in files}
    out: dict[str, list[str]] = {}
    for path, file in reviewed.items():
        problems = suppressions_in(path, file.head_text).problems(known)
        if problems:
            out[path] = problems
    return out


def _fan_out(state: ReviewState) -> list[Send] | str:
    """One ``Send`` per stage that has files; straight to the architect otherwise."""
    plan = state["plan"]
    sends = [
        Send(name, StageTask(stage=name, files=files, workspace=state["workspace"]))
        for name, files in plan.by_stage.items()
    ]
    return sends or ARCHITECT


def _stage_node(stage: Stage, llm: LlmReviewer | None) -> Callable[[StageTask], Any]:
    """The async node of one stage: its rules in a thread, then (specialists) the LLM."""
    specialist = stage.specialist if stage.prompt is not None else None

    async def node(task: StageTask) -> dict[str, Any]:
        started = time.perf_counter()
        files, workspace = task["files"], task["workspace"]
        stats = SpecialistStats(specialist=stage.name, files=[f.path for f in files])
        outcome = RuleOutcome()
        try:
            outcome = await asyncio.to_thread(stage.run, files, workspace)
        except ReviewAborted:
            raise  # the configuration makes this stage a condition of the review
        except Exception as exc:  # recorded in the review, never lost: see module docstring
            stats.error = _describe(exc)
            log.debug("%s rules failed", stage.name, exc_info=True)
        llm_outcome = LlmOutcome()
        if llm is not None and specialist is not None:
            try:
                llm_outcome = await llm.review(specialist, files, workspace, outcome.findings)
            except Exception as exc:  # the LLM part is optional; rules still count
                llm_outcome = LlmOutcome(error=_describe(exc), unreviewed=stats.files)
                log.debug("%s LLM review failed", stage.name, exc_info=True)
        stats.findings = len(outcome.findings)
        stats.llm_findings = len(llm_outcome.findings)
        stats.notes = list(outcome.notes)
        stats.incomplete = list(outcome.incomplete)
        stats.coverage = list(outcome.coverage)
        stats.llm_error = llm_outcome.error
        stats.llm_usage = llm_outcome.usage
        stats.llm_unreviewed = list(llm_outcome.unreviewed)
        stats.seconds = time.perf_counter() - started
        return {
            "rule_findings": list(outcome.findings),
            "suppressed": list(outcome.suppressed),
            "llm_findings": list(llm_outcome.findings),
            "stage_stats": [stats],
            "existing_risks": list(outcome.existing_risks),
            "cross_checks": (
                [(stage.name, outcome.cross_check)] if outcome.cross_check is not None else []
            ),
        }

    node.__name__ = f"{stage.name}_node"
    return node


def _incomplete(state: ReviewState) -> list[str]:
    """Why the review is incomplete: failed stages, what a stage could not review, and
    files a stage would have reviewed but could not read.  Empty when complete."""
    rows = state.get("stage_stats", [])
    reasons = [f"{row.specialist} failed ({row.error})" for row in rows if row.error]
    reasons += [r for row in rows for r in row.incomplete]
    reasons += [f"{path}: not reviewed, {why}" for path, why in state["plan"].unreadable.items()]
    return reasons


def _cross_checked(
    state: ReviewState, order: Sequence[str]
) -> tuple[list[Finding], dict[str, list[str]]]:
    """The review's rule findings after every stage's cross-check, in registry order, and
    what each check said it changed.  A check that raises changes nothing and says so."""
    findings = list(state.get("rule_findings", []))
    notes: dict[str, list[str]] = {}
    checks = sorted(state.get("cross_checks", []), key=lambda c: order.index(c[0]))
    for name, check in checks:
        try:
            checked, changed = check(findings)
        except Exception as exc:  # a stage's evidence is optional; the rules still count
            log.debug("%s cross-check failed", name, exc_info=True)
            notes.setdefault(name, []).append(
                f"its check of the rule findings failed ({_describe(exc)}); they are shown "
                "as the rules reported them"
            )
            continue
        findings = list(checked)
        notes.setdefault(name, []).extend(changed)
    return findings, notes


def _architect_node(
    stages: Sequence[Stage], llm: LlmReviewer | None
) -> Callable[[ReviewState], Coroutine[Any, Any, dict[str, Any]]]:
    order = [s.name for s in stages]

    async def architect(state: ReviewState) -> dict[str, Any]:
        rule_findings, check_notes = _cross_checked(state, order)
        merged = merge_findings(rule_findings, state.get("llm_findings", []), state["workspace"])
        incomplete = _incomplete(state)
        reviewed = bool(state["plan"].by_stage)
        verdict = verdict_for(merged.findings, complete=not incomplete)
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
            "summary": summary
            or deterministic_summary(
                merged.findings, verdict, incomplete=incomplete, reviewed=reviewed
            ),
            "incomplete": incomplete,
            "summary_usage": usage,
            "cross_check_notes": check_notes,
            "merge_stats": {
                "duplicates_merged": merged.duplicates_merged,
                "llm_dropped": merged.llm_dropped,
                "llm_merged": merged.llm_merged,
                "grouped": merged.grouped,
            },
        }

    return architect


def _render_node(
    stages: Sequence[Stage], llm_model: str | None
) -> Callable[[ReviewState], dict[str, Any]]:
    order = [s.name for s in stages]

    def render(state: ReviewState) -> dict[str, Any]:
        """Assemble the output layer: the :class:`Review` every renderer reads."""
        plan = state["plan"]
        check_notes = state.get("cross_check_notes", {})
        rows = [
            dataclasses.replace(row, notes=[*row.notes, *check_notes.get(row.specialist, ())])
            for row in sorted(state.get("stage_stats", []), key=lambda r: order.index(r.specialist))
        ]
        usage = state.get("summary_usage", LlmUsage())
        for row in rows:
            usage = usage.add(row.llm_usage)
        unreviewed = list(dict.fromkeys(p for row in rows for p in row.llm_unreviewed))
        merge_stats = state.get("merge_stats", {})
        stats = ReviewStats(
            files_seen=state.get("files_seen", 0),
            routed={s: [f.path for f in fs] for s, fs in plan.by_stage.items()},
            skipped=dict(plan.skipped),
            unrouted=list(plan.unrouted),
            incomplete=list(state.get("incomplete", [])),
            specialists={row.specialist: row for row in rows},
            file_notes=_file_notes(state),
            projects=list(state["workspace"].projects),
            llm_status=_llm_status(state["llm_status"], rows),
            llm_usage=usage,
            llm_model=llm_model,
            llm_unreviewed=unreviewed,
            llm_dropped=merge_stats.get("llm_dropped", 0),
            llm_merged=merge_stats.get("llm_merged", 0),
            duplicates_merged=merge_stats.get("duplicates_merged", 0),
            grouped=merge_stats.get("grouped", 0),
            existing_risks=sorted(
                state.get("existing_risks", []),
                key=lambda f: (-f.severity.rank, f.path, f.line or 0),
            ),
            seconds=time.perf_counter() - state.get("started", time.perf_counter()),
        )
        review = Review(
            findings=list(state.get("merged", [])),
            suppressed=list(state.get("suppressed", [])),
            verdict=cast(Verdict, state.get("verdict", "approve")),
            summary=state.get("summary", ""),
            stats=stats,
        )
        return {"review": review}

    return render


def _llm_status(status: str, rows: Sequence[SpecialistStats]) -> str:
    """``rules only: every LLM call failed (…)`` when Claude was asked and gave nothing back."""
    asked = [row for row in rows if row.llm_error is not None or row.llm_usage.requests]
    if asked and all(row.llm_error is not None for row in asked):
        return f"rules only: every LLM call failed ({asked[0].llm_error})"
    return status


def _file_notes(state: ReviewState) -> dict[str, list[str]]:
    problems = state.get("file_problems", {})
    notes = {f.path: [*f.notes, *problems.get(f.path, ())] for f in state["workspace"].files}
    return {path: found for path, found in notes.items() if found}


def build_graph(
    *,
    stages: Sequence[Stage] | None = None,
    llm: LlmReviewer | None = None,
    llm_model: str | None = None,
) -> CompiledStateGraph[ReviewState, None, ReviewInput, ReviewOutput]:
    """The compiled review graph.

    ``stages`` defaults to :data:`agents.registry.STAGES` (tests pass doubles
    made with :func:`agents.registry.with_runs`, or an extra stage).  ``llm``
    adds the Claude part to every stage with a prompt and the summary to the
    architect; ``llm_model`` is the model it asks (for the footer's cost).
    """
    stages = registry.STAGES if stages is None else tuple(stages)
    if llm is None and stages is registry.STAGES:
        # the rules-only graph of the registry's stages is always the same graph, and
        # compiling it (LangGraph inspects every node's code) costs ~10 ms a review
        with _DEFAULT_LOCK:
            for built_for, compiled in _DEFAULT_GRAPH:
                if built_for is stages:
                    return compiled
            compiled = _compile(stages, None, None)
            _DEFAULT_GRAPH[:] = [(stages, compiled)]
            return compiled
    return _compile(stages, llm, llm_model)


_DEFAULT_GRAPH: list[
    tuple[tuple[Stage, ...], CompiledStateGraph[ReviewState, None, ReviewInput, ReviewOutput]]
] = []
"""The compiled rules-only graph, with the stages tuple it was built for."""
_DEFAULT_LOCK = threading.Lock()


def _compile(
    stages: tuple[Stage, ...], llm: LlmReviewer | None, llm_model: str | None
) -> CompiledStateGraph[ReviewState, None, ReviewInput, ReviewOutput]:
    names = [s.name for s in stages]
    graph = StateGraph(ReviewState, input_schema=ReviewInput, output_schema=ReviewOutput)
    graph.add_node("load", _load)
    # Closures over the stages: LangGraph's node typing cannot infer their state type.
    graph.add_node("route", cast(Any, _route_node(stages)))
    for stage in stages:
        # Send hands the node a StageTask, not the state; LangGraph's typing cannot say so.
        graph.add_node(stage.name, cast(Any, _stage_node(stage, llm)))
    graph.add_node(ARCHITECT, cast(Any, _architect_node(stages, llm)))
    graph.add_node("render", cast(Any, _render_node(stages, llm_model if llm else None)))

    graph.add_edge(START, "load")
    graph.add_edge("load", "route")
    graph.add_conditional_edges("route", _fan_out, [*names, ARCHITECT])
    for name in names:
        graph.add_edge(name, ARCHITECT)
    graph.add_edge(ARCHITECT, "render")
    graph.add_edge("render", END)
    return graph.compile()
