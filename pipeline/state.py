"""The graph's state, in three layers.

* :class:`ReviewInput` — the PR facts the caller hands in (never changed);
* :class:`ReviewInternal` — what nodes add on the way (routing plan, findings
  merged from the concurrent specialists through ``operator.add`` reducers);
* :class:`ReviewOutput` — the finished :class:`~pipeline.report.Review`.

:class:`ReviewState` is their union, the ``StateGraph`` schema;
:class:`SpecialistTask` is what ``Send`` hands each specialist branch.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, TypedDict

from agents.changes import ChangedFile, Workspace
from agents.database.stage import DatabaseOutcome
from agents.findings import Finding, Specialist, SuppressedFinding
from agents.specialist import LlmUsage
from pipeline.config import Config
from pipeline.report import Review
from pipeline.routing import RoutingPlan


@dataclass
class SpecialistRun:
    """How one specialist branch went (becomes ``SpecialistStats`` in the review)."""

    specialist: Specialist
    files: list[str]
    """Paths the branch received."""
    seconds: float
    """Wall time of rules plus LLM."""
    findings: int = 0
    """Rule findings returned."""
    llm_findings: int = 0
    """LLM findings returned (before the architect verifies them)."""
    notes: list[str] = field(default_factory=list)
    """The rules' notes (what they could not analyse)."""
    error: str | None = None
    """One line when the rules crashed or could not be imported."""
    llm_usage: LlmUsage = field(default_factory=LlmUsage)
    """Tokens the LLM part spent."""
    llm_unreviewed: list[str] = field(default_factory=list)
    """Paths the LLM part did not review."""
    llm_error: str | None = None
    """One line when the LLM part failed."""


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
    plan: RoutingPlan
    """Which specialist reviews which file, and what is skipped (the route node)."""
    rule_findings: Annotated[list[Finding], operator.add]
    """Rule findings of every specialist, concatenated as branches finish."""
    llm_findings: Annotated[list[Finding], operator.add]
    """Unverified LLM findings of every specialist."""
    suppressed: Annotated[list[SuppressedFinding], operator.add]
    """Findings silenced by suppression comments."""
    runs: Annotated[list[SpecialistRun], operator.add]
    """One record per specialist branch: time, counts, notes, errors."""
    database: DatabaseOutcome
    """What the database stage applied and measured (its own branch)."""
    merged: list[Finding]
    """The architect's ranked, deduplicated, verified findings."""
    verdict: str
    """approve | comment | request_changes (the architect)."""
    summary: str
    """One paragraph: Claude's when available, else built from counts."""
    database_changed: list[str]
    """Rule verdicts the database's measurements changed (the architect)."""
    merge_stats: dict[str, int]
    """duplicates_merged, llm_dropped, llm_merged (the architect)."""
    summary_usage: LlmUsage
    """Tokens the summary call spent."""


class ReviewOutput(TypedDict, total=False):
    """What ``ainvoke`` returns to the caller."""

    review: Review
    """The finished review, input of every renderer."""


class ReviewState(ReviewInput, ReviewInternal, ReviewOutput):
    """The whole state the graph carries (union of the three layers)."""


class DatabaseTask(TypedDict):
    """The payload ``Send`` gives the database branch."""

    workspace: Workspace
    config: Config


class SpecialistTask(TypedDict):
    """The payload ``Send`` gives one specialist branch: only its own files."""

    specialist: Specialist
    files: Sequence[ChangedFile]
    workspace: Workspace
