"""The graph's state, in three layers.

* :class:`ReviewInput` — the PR facts the caller hands in (never changed);
* :class:`ReviewInternal` — what nodes add on the way (routing plan, findings
  merged from the concurrent specialists through ``operator.add`` reducers);
* :class:`ReviewOutput` — the finished :class:`~pipeline.report.Review`.

:class:`ReviewState` is their union, the ``StateGraph`` schema;
:class:`StageTask` is what ``Send`` hands each stage branch.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Annotated, TypedDict

from agents.changes import ChangedFile, Workspace
from agents.findings import Finding, SuppressedFinding
from agents.specialist import CrossCheck, LlmUsage
from pipeline.config import Config
from pipeline.report import Review, SpecialistStats
from pipeline.routing import RoutingPlan


class ReviewInput(TypedDict):
    """What the caller knows before the review starts."""

    workspace: Workspace
    """Changed files plus base/head trees (git, GitHub, or the diff alone)."""
    config: Config
    """The frozen configuration of this run."""
    llm_status: str
    """``claude (MODEL)`` or ``rules only: <why>``, decided at entry."""


class ReviewInternal(TypedDict, total=False):
    """What the nodes add; list fields are merged across branches by concatenation."""

    files_seen: int
    """Number of changed files (the load node)."""
    started: float
    """``time.perf_counter()`` when the load node ran: the review's clock."""
    plan: RoutingPlan
    """Which stage reviews which file, and what is skipped (the route node)."""
    file_problems: dict[str, list[str]]
    """Path → what the review says about a reviewed file besides findings: suppression
    comments it cannot take as written, SQL outside every project (the route node)."""
    rule_findings: Annotated[list[Finding], operator.add]
    """Rule findings of every specialist, concatenated as branches finish."""
    llm_findings: Annotated[list[Finding], operator.add]
    """Unverified LLM findings of every specialist."""
    suppressed: Annotated[list[SuppressedFinding], operator.add]
    """Findings silenced by suppression comments."""
    stage_stats: Annotated[list[SpecialistStats], operator.add]
    """One coverage row per stage branch (time, counts, notes, errors), as the review shows it."""
    existing_risks: Annotated[list[Finding], operator.add]
    """Problems stages proved on what the PR does not touch: shown apart, never in the verdict."""
    cross_checks: Annotated[list[tuple[str, CrossCheck]], operator.add]
    """(stage name, its cross-check of the review's rule findings), for the architect."""

    merged: list[Finding]
    """The architect's ranked, deduplicated, verified findings."""
    verdict: str
    """approve | comment | request_changes (the architect)."""
    summary: str
    """One paragraph: Claude's when available, else built from counts."""
    incomplete: list[str]
    """Why the review is incomplete (the architect; empty when complete)."""
    merge_stats: dict[str, int]
    """duplicates_merged, llm_dropped, llm_merged, grouped (the architect)."""
    cross_check_notes: dict[str, list[str]]
    """Stage name → what its cross-check changed in other stages' verdicts (the architect)."""
    summary_usage: LlmUsage
    """Tokens the summary call spent."""


class ReviewOutput(TypedDict, total=False):
    """What ``ainvoke`` returns to the caller."""

    review: Review
    """The finished review, input of every renderer."""


class ReviewState(ReviewInput, ReviewInternal, ReviewOutput):
    """The whole state the graph carries (union of the three layers)."""


class StageTask(TypedDict):
    """The payload ``Send`` gives one stage branch: only its own files."""

    stage: str
    files: Sequence[ChangedFile]
    workspace: Workspace
