"""The finished review: what the architect decided and what the run saw.

:class:`Review` is the output layer of the graph and the single input of every
renderer (Markdown comment, JSON, the GitHub publisher).  ``to_json`` is the
contract ``../shared/DESIGN.md`` fixes and ``bench/score.py`` reads: an object
with ``findings`` (each with ``specialist``, ``severity``, ``path``, ``line``,
``title``, ``rule`` and more), ``verdict``, ``summary``, ``stats`` and
``suppressed``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

from agents.findings import Finding, Severity, SuppressedFinding
from agents.llm.cost import estimate_cost
from agents.projects import SupabaseProject
from agents.specialist import LlmUsage


def project_json(project: SupabaseProject) -> dict[str, object]:
    """One Supabase project as the JSON lists it (``stats.projects``)."""
    return {
        "root": project.label,
        "migrations": list(project.migration_dirs),
        "functions": project.functions_dir,
        "config": project.config_path,
    }


Verdict = Literal["approve", "comment", "request_changes"]


@dataclass
class SpecialistStats:
    """How one stage's branch went: its coverage row, built by its graph node."""

    specialist: str
    """The stage's name (one of :data:`agents.registry.STAGES`)."""
    files: list[str] = field(default_factory=list)
    """Paths routed to it."""
    seconds: float = 0.0
    """Wall time of its branch (rules + LLM)."""
    findings: int = 0
    """Rule findings it produced (before the architect's dedupe)."""
    llm_findings: int = 0
    """LLM findings it produced (before verification)."""
    notes: list[str] = field(default_factory=list)
    """What its rules could not do (unparsable file, opaque DO block…)."""
    incomplete: list[str] = field(default_factory=list)
    """Why its part of the review is incomplete (``RuleOutcome.incomplete``)."""
    coverage: list[str] = field(default_factory=list)
    """What its row says besides files, findings and time (``RuleOutcome.coverage``)."""
    error: str | None = None
    """Set when its rules crashed or could not be loaded: its findings are missing."""
    llm_error: str | None = None
    """Set when its LLM part failed."""
    llm_usage: LlmUsage = field(default_factory=LlmUsage)
    """Tokens its LLM part spent (the JSON shows the review's total, ``stats.llm.usage``)."""
    llm_unreviewed: list[str] = field(default_factory=list)
    """Paths its LLM part did not review (the JSON shows them in ``stats.llm.unreviewed``)."""

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        del data["llm_usage"], data["llm_unreviewed"]  # reported once, for the whole review
        data["seconds"] = round(self.seconds, 3)
        return data


@dataclass
class ReviewStats:
    """What the run saw, for the coverage lines of the comment and the JSON ``stats``."""

    files_seen: int = 0
    """Changed files in the PR."""
    routed: dict[str, list[str]] = field(default_factory=dict)
    """Specialist → paths it reviewed."""
    skipped: dict[str, str] = field(default_factory=dict)
    """Path → why it was not reviewed (deleted, binary, generated, too large…)."""
    unrouted: list[str] = field(default_factory=list)
    """Paths no specialist reviews."""
    incomplete: list[str] = field(default_factory=list)
    """Why this review is incomplete: a stage failed, a stage could not review part of a
    file, or a file a stage would review could not be read.  Empty when complete."""
    specialists: dict[str, SpecialistStats] = field(default_factory=dict)
    """Per-stage time, findings, notes, errors (key: stage name, in registry order)."""
    projects: list[SupabaseProject] = field(default_factory=list)
    """The Supabase projects the review found (or was configured with): root, migration
    folders, functions folder, config.toml."""
    file_notes: dict[str, list[str]] = field(default_factory=dict)
    """Path → notes from diff parsing (non-UTF-8 replaced, mode change only…) and
    suppression comments the review could not take as written."""
    llm_status: str = "rules only"
    """``claude (MODEL)``, or ``rules only: <why>``."""
    llm_usage: LlmUsage = field(default_factory=LlmUsage)
    llm_model: str | None = None
    """The Claude model asked, when the LLM ran (prices the footer's cost estimate)."""
    llm_unreviewed: list[str] = field(default_factory=list)
    """Paths the LLM did not get to (budget, deadline, failure)."""
    llm_dropped: int = 0
    """LLM findings rejected by verification."""
    llm_merged: int = 0
    """LLM findings that duplicated another finding."""
    duplicates_merged: int = 0
    """Rule findings merged into an equivalent one from another specialist."""
    grouped: int = 0
    """Rule findings folded into another of the same rule, file and severity (its ``lines``)."""
    existing_risks: list[Finding] = field(default_factory=list)
    """Problems proven on what the PR does not touch (``RuleOutcome.existing_risks``): shown
    folded, never part of the verdict or the counts."""
    seconds: float = 0.0
    """Wall time of the whole graph."""

    @property
    def errors(self) -> list[str]:
        """``specialist: error`` for every branch that failed."""
        return [f"{name}: {s.error}" for name, s in self.specialists.items() if s.error]

    @property
    def reviewed_nothing(self) -> bool:
        """True when no changed file reached any stage (all skipped or not covered)."""
        return not any(self.routed.values())

    def to_json(self) -> dict[str, object]:
        return {
            "files_seen": self.files_seen,
            "routed": {k: list(v) for k, v in self.routed.items()},
            "skipped": dict(self.skipped),
            "unrouted": list(self.unrouted),
            "incomplete": list(self.incomplete),
            "projects": [project_json(p) for p in self.projects],
            "specialists": {k: v.to_json() for k, v in self.specialists.items()},
            "file_notes": {k: list(v) for k, v in self.file_notes.items()},
            "errors": self.errors,
            "llm": {
                "status": self.llm_status,
                "model": self.llm_model,
                "usage": asdict(self.llm_usage),
                "estimated_cost_usd": (
                    round(estimate_cost(self.llm_usage, self.llm_model), 4)
                    if self.llm_model
                    else None
                ),
                "unreviewed": list(self.llm_unreviewed),
                "dropped": self.llm_dropped,
                "merged": self.llm_merged,
            },
            "duplicates_merged": self.duplicates_merged,
            "grouped": self.grouped,
            "existing_risks": [f.to_json() for f in self.existing_risks],
            "seconds": round(self.seconds, 3),
        }


@dataclass
class Review:
    """One review of one change: the architect's merged findings and verdict."""

    findings: list[Finding]
    """Ranked: severity (worst first), then path, then line."""
    suppressed: list[SuppressedFinding]
    """Findings silenced by ``architect-review: ignore CODE reason`` comments."""
    verdict: Verdict
    summary: str
    stats: ReviewStats = field(default_factory=ReviewStats)

    @property
    def complete(self) -> bool:
        """False when part of the change could not be reviewed (``stats.incomplete``, which
        the graph fills, or a failed stage)."""
        return not (self.stats.incomplete or self.stats.errors)

    def worst(self) -> Severity | None:
        """The worst severity among the findings, None when there are none."""
        if not self.findings:
            return None
        return max((f.severity for f in self.findings), key=lambda s: s.rank)

    def counts(self) -> dict[Severity, int]:
        """Findings per severity, every severity present (zeros included)."""
        counts = dict.fromkeys(Severity, 0)
        for f in self.findings:
            counts[f.severity] += 1
        return counts

    def fails(self, fail_on: str) -> bool:
        """True when a finding at or above ``fail_on`` exists (``never``: always False)."""
        if fail_on == "never":
            return False
        threshold = Severity(fail_on)
        return any(f.severity.at_least(threshold) for f in self.findings)

    def to_json(self) -> dict[str, object]:
        """The JSON contract (see module docstring)."""
        return {
            "findings": [f.to_json() for f in self.findings],
            "verdict": self.verdict,
            "summary": self.summary,
            "stats": self.stats.to_json(),
            "suppressed": [{**s.finding.to_json(), "reason": s.reason} for s in self.suppressed],
        }
