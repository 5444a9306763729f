"""What a specialist hands back to the graph, and the LLM reviewer's interface.

A specialist runs its deterministic rules on the files routed to it (never
raising for one bad file: a parse failure is a finding), then, when an LLM
reviewer is configured, asks Claude for what the rules missed.  Each
specialist package exposes ``run_rules(files, workspace) -> RuleOutcome`` in
its ``agent.py`` (a :data:`RuleRunner`), listed in :mod:`agents.registry`; the
graph node in ``pipeline.graph`` times it, adds the LLM part and records
failures without losing other branches' findings.

A stage that is not a rule pack (the database stage, which applies the
migrations to a real PostgreSQL) uses the same :class:`RuleOutcome`; the
fields after ``incomplete`` are what such a stage needs and a rule pack leaves
empty: lines for its coverage row, risks shown apart from the verdict, and a
cross-check of the other stages' findings that the architect applies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from agents.changes import ChangedFile, Workspace
from agents.findings import Finding, Specialist, SuppressedFinding

CrossCheck = Callable[[Sequence[Finding]], tuple[list[Finding], list[str]]]
"""A stage's verdict on the review's rule findings (see :attr:`RuleOutcome.cross_check`):
every rule finding of every stage in, the findings to keep (confirmed, downgraded or
rewritten as the stage's evidence says) and one note per verdict it changed out."""


@dataclass
class RuleOutcome:
    """What the deterministic part of one stage found."""

    findings: list[Finding] = field(default_factory=list)
    suppressed: list[SuppressedFinding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Things the rules could not do or chose not to (opaque DO block, file too large…)."""
    incomplete: list[str] = field(default_factory=list)
    """Why this review cannot be trusted as complete (a migration that does not parse: what
    follows the error was not reviewed).  One line each, naming the file; any entry makes
    the review say "review incomplete" instead of approving."""
    coverage: list[str] = field(default_factory=list)
    """What the stage's coverage row says besides files, findings and time ("applied 3 of 3
    migrations on PostgreSQL 18 in 0.9 s"): one short line each, in order."""
    existing_risks: list[Finding] = field(default_factory=list)
    """Problems the stage proved on what the PR does not touch: shown folded in their own
    section, never counted in the verdict or the severity table (already suppression-
    filtered, like ``findings``)."""
    cross_check: CrossCheck | None = None
    """Called by the architect, once, with the rule findings of *every* stage (this one's
    included) before they are merged: a stage that measured something may confirm, change
    or drop what the rules inferred, or fold its own finding into a rule's.  It must never
    bring back a finding the stage's own suppression filter removed (it only sees what is
    passed in).  Its notes join the stage's notes.  Not picklable in general: a stage that
    sets it must not be a ``worker_process`` stage."""


RuleRunner = Callable[[Sequence[ChangedFile], Workspace], RuleOutcome]
"""A stage's deterministic part: ``agents.<stage>.agent.run_rules``, or a test double."""


@dataclass
class LlmUsage:
    """Token usage as the API reports it, summed over calls."""

    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0

    def add(self, other: LlmUsage) -> LlmUsage:
        return LlmUsage(
            self.requests + other.requests,
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
        )


@dataclass
class LlmOutcome:
    """What Claude added for one specialist, and what it could not review."""

    findings: list[Finding] = field(default_factory=list)
    usage: LlmUsage = field(default_factory=LlmUsage)
    unreviewed: list[str] = field(default_factory=list)
    """Paths the LLM did not review (budget, failure), for the comment."""
    error: str | None = None
    """Set when the LLM part failed: shown as ``LLM review unavailable: <error>``."""


class LlmReviewer(Protocol):
    """Claude behind a small interface; ``agents.llm`` implements it, tests fake its HTTP."""

    async def review(
        self,
        specialist: Specialist,
        files: Sequence[ChangedFile],
        workspace: Workspace,
        rule_findings: Sequence[Finding],
    ) -> LlmOutcome:
        """Ask for what the rules missed in ``files``; never raises."""
        ...

    async def summarise(self, findings: Sequence[Finding]) -> tuple[str | None, LlmUsage]:
        """One short summary paragraph over the verified findings; None when unavailable."""
        ...


@dataclass(frozen=True)
class LlmSettings:
    """LLM configuration (from the config file's ``llm:`` section and ``--model``).

    Lives here, not in ``pipeline.config``, so ``agents.llm`` does not depend on
    the pipeline layer.
    """

    model: str = "claude-sonnet-5-5"
    """Default: the newest Claude Sonnet id the pinned SDK lists."""
    small_model: str | None = None
    """Optional cheaper model for small batches."""
    max_tokens: int = 4096
    """Cap on each reply."""
    token_budget: int = 200_000
    """Input+output tokens one review may spend; lowest-risk files go unreviewed past it."""
    deadline_seconds: float = 180.0
    """Overall wall-clock limit for the LLM part, SDK retries included."""
    concurrency: int = 4
    """Batches in flight at once."""
    max_retries: int = 2
    summary: bool = True
    """Whether the architect asks for the one-paragraph summary."""
