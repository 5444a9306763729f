"""The one finding type shared by rules, the LLM and the architect.

Rules and Claude both produce :class:`Finding`; the architect merges, ranks and
renders them.  Keeping a single pydantic model means the JSON contract
(``../shared/DESIGN.md``: ``specialist``, ``severity``, ``path``, ``line``,
``title``, ``rule``) is enforced in one place.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Severity(StrEnum):
    """How bad a finding is; the order of members is the rank (worst first)."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse: critical=4 … info=0, so ``max()`` picks the worst."""
        return _RANK[self]

    def at_least(self, other: Severity) -> bool:
        """True when this severity is ``other`` or worse."""
        return self.rank >= other.rank


_RANK = {
    Severity.INFO: 0,
    Severity.LOW: 1,
    Severity.MEDIUM: 2,
    Severity.HIGH: 3,
    Severity.CRITICAL: 4,
}

Specialist = Literal["rls_security", "schema_performance", "edge_reliability"]
SPECIALISTS: tuple[Specialist, ...] = ("rls_security", "schema_performance", "edge_reliability")

Source = Literal["rule", "llm", "database"]
"""Who produced a finding: a deterministic rule, Claude, or the database stage (measured)."""


class Finding(BaseModel):
    """One problem at one place.

    ``message`` states the problem in this PR's terms; ``help`` says how to fix
    it.  ``line`` is 1-based in the head version of ``path`` (None when the
    finding is about the file as a whole).  ``rule`` is the stable rule code, or
    None for LLM findings.
    """

    model_config = ConfigDict(frozen=True)

    specialist: Specialist
    severity: Severity
    path: str
    line: int | None
    title: str
    rule: str | None = None
    message: str = ""
    help: str = ""
    end_line: int | None = None
    source: Source = "rule"
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    evidence: str | None = None
    """For LLM findings: the exact code the finding refers to, quoted from the head file."""
    suggestion: str | None = None
    """Replacement text for lines ``line``..``end_line`` that is safe to apply as-is
    (rendered as a GitHub suggestion block on inline comments); None when no fix is
    mechanical."""
    lines: tuple[int, ...] = ()
    """When this finding groups the same rule's findings in one file
    (:mod:`agents.architect.group`): every line, ``line`` first; empty otherwise."""
    reproduction: str | None = None
    """For findings measured on a real database: a one-line command that shows the problem
    again (rendered folded); not part of the fingerprint."""

    @property
    def fingerprint(self) -> str:
        """Stable identity across pushes: rule (or title), path and the evidence/title.

        The line number is left out on purpose so that a finding keeps its
        fingerprint when unrelated lines are inserted above it.
        """
        key = "\x1f".join(
            [self.specialist, self.rule or "llm", self.path, self.title, self.evidence or ""]
        )
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    def to_json(self) -> dict[str, object]:
        """The JSON contract form (adds the fingerprint)."""
        data = self.model_dump(mode="json", exclude_none=False)
        data["lines"] = list(self.lines) or ([] if self.line is None else [self.line])
        data["fingerprint"] = self.fingerprint
        return data


class SuppressedFinding(BaseModel):
    """A finding silenced by an ``architect-review: ignore CODE reason`` comment."""

    model_config = ConfigDict(frozen=True)

    finding: Finding
    reason: str
