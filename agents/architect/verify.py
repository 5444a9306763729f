"""Check what Claude claims against the code before anything is published.

An LLM finding is only as good as the code it points at.  Before the architect
merges LLM findings into the review, each one must:

* quote, in ``evidence``, code that really is in the head version of its file,
  at or near (±3 lines) the line it cites — otherwise it is a hallucination and
  is dropped;
* concern lines the PR added or changed, unless it is critical (a critical
  problem in untouched code that the PR makes reachable is still worth saying);
* say something the rules have not already said — a duplicate of a rule finding
  is merged into it, and the rule finding is kept exactly as it was: the LLM
  may add and explain, never remove, downgrade or reword a rule finding.

Dropped and merged findings are counted so the comment footer can say how much
was filtered.  Nothing here calls the network; it is pure and deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from agents.changes import ChangedFile, FileStatus, Workspace
from agents.findings import Finding, Severity

NEAR_LINES = 3
"""How far (in lines) evidence may sit from the cited line, and duplicates from each other."""

MIN_CONFIDENCE = 0.5
"""LLM findings Claude itself rates below this are noise, not review."""

_LINE_NUMBER_PREFIX = re.compile(r"^\s*\d+[+ ]?\|\s?")
"""``  12+| code`` — the numbering our prompt adds; Claude sometimes quotes it back."""

_WORD = re.compile(r"[a-z0-9_]+")


@dataclass
class VerifyResult:
    """What survived verification, and how much did not."""

    kept: list[Finding] = field(default_factory=list)
    """LLM findings that passed, normalised (``source="llm"``, ``rule=None``)."""
    dropped: int = 0
    """LLM findings rejected (evidence not found, outside the change, low confidence…)."""
    merged: int = 0
    """LLM findings that duplicated a rule finding (or an earlier LLM finding)."""
    dropped_reasons: list[str] = field(default_factory=list)
    """One short line per dropped finding, for logs and the JSON stats (no code quoted)."""
    merged_into: list[tuple[str, Finding]] = field(default_factory=list)
    """(fingerprint of the finding kept, the LLM finding merged into it)."""


def normalise(text: str) -> str:
    """Collapse all whitespace runs to one space, strip the ends."""
    return " ".join(text.split())


def _evidence_lines(evidence: str) -> list[str]:
    """Evidence split into non-blank lines, minus any line-number prefix we added."""
    lines = [_LINE_NUMBER_PREFIX.sub("", ln, count=1) for ln in evidence.splitlines()]
    return [ln for ln in lines if ln.strip()]


def _head_text(finding: Finding, workspace: Workspace) -> tuple[ChangedFile | None, str | None]:
    changed = workspace.file(finding.path)
    if changed is not None and changed.status is FileStatus.DELETED:
        return changed, None
    if changed is not None and changed.head_text is not None:
        return changed, changed.head_text
    return changed, workspace.head.read_text(finding.path)


def _window(head_lines: Sequence[str], first: int, last: int) -> str:
    return normalise(" ".join(head_lines[first - 1 : last]))


def locate_evidence(evidence: str, head_lines: Sequence[str], line: int | None) -> range | None:
    """Head line numbers (1-based range) where ``evidence`` sits, near ``line``.

    The evidence must start within ±NEAR_LINES of ``line`` (anywhere in the file
    when ``line`` is None) and match, whitespace-normalised, a run of whole or
    partial lines.  Returns None when it is not there.
    """
    wanted = normalise(" ".join(_evidence_lines(evidence)))
    if not wanted:
        return None
    span = max(1, len(_evidence_lines(evidence)))
    if line is None:
        starts: Sequence[int] = range(1, len(head_lines) + 1)
    else:
        starts = range(max(1, line - NEAR_LINES), min(len(head_lines), line + NEAR_LINES) + 1)
    for start in starts:
        # Allow a little slack in the span: blank lines inside the quoted code.
        for extra in range(0, NEAR_LINES + 1):
            stop = min(len(head_lines), start + span - 1 + extra)
            if wanted in _window(head_lines, start, stop):
                # Tighten: the slack may have pulled in lines before the quote.
                first = start
                while first < stop and wanted in _window(head_lines, first + 1, stop):
                    first += 1
                if line is not None and abs(first - line) > NEAR_LINES:
                    break
                return range(first, stop + 1)
            if stop == len(head_lines):
                break
    return None


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _similar_titles(a: Finding, b: Finding) -> bool:
    """Titles that share most of their words say the same thing."""
    wa, wb = _words(a.title), _words(b.title)
    if not wa or not wb:
        return False
    return len(wa & wb) / len(wa | wb) >= 0.5


def _near(a: Finding, b: Finding) -> bool:
    if a.path != b.path:
        return False
    if a.line is None or b.line is None:
        return a.line is None and b.line is None
    return abs(a.line - b.line) <= NEAR_LINES


def is_duplicate(llm: Finding, other: Finding) -> bool:
    """Same place and same meaning: same specialist, or a title saying the same thing."""
    return _near(llm, other) and (llm.specialist == other.specialist or _similar_titles(llm, other))


def _reason(finding: Finding, why: str) -> str:
    where = f"{finding.path}:{finding.line}" if finding.line is not None else finding.path
    return f"{where} ({finding.specialist}): {why}"


def verify_llm_findings(
    llm_findings: Sequence[Finding],
    workspace: Workspace,
    rule_findings: Sequence[Finding],
    *,
    min_confidence: float = MIN_CONFIDENCE,
) -> VerifyResult:
    """Keep the LLM findings that are grounded, in scope and new; count the rest.

    Rule findings are never modified or removed: duplicates are merged *into*
    them, which means the LLM finding is discarded and recorded in
    ``merged_into``.
    """
    result = VerifyResult()
    for raw in llm_findings:
        finding = raw
        if raw.source != "llm" or raw.rule is not None:
            # Claude cannot speak with a rule's authority: strip any claimed code.
            finding = raw.model_copy(update={"source": "llm", "rule": None})
        if finding.confidence is not None and finding.confidence < min_confidence:
            result.dropped += 1
            result.dropped_reasons.append(_reason(finding, "confidence below threshold"))
            continue
        if not finding.evidence or not finding.evidence.strip():
            result.dropped += 1
            result.dropped_reasons.append(_reason(finding, "no evidence quoted"))
            continue
        changed, text = _head_text(finding, workspace)
        if text is None:
            result.dropped += 1
            result.dropped_reasons.append(_reason(finding, "file not in the head version"))
            continue
        head_lines = text.splitlines()
        if finding.line is not None and not 1 <= finding.line <= len(head_lines):
            result.dropped += 1
            result.dropped_reasons.append(_reason(finding, "cited line outside the file"))
            continue
        located = locate_evidence(finding.evidence, head_lines, finding.line)
        if located is None:
            result.dropped += 1
            result.dropped_reasons.append(_reason(finding, "evidence not found near cited line"))
            continue
        if finding.line is None:
            finding = finding.model_copy(update={"line": located.start})
        cited = range(
            finding.line or located.start, max(finding.end_line or 0, finding.line or 0) + 1
        )
        in_change = changed is not None and any(
            n in changed.added_lines for n in (*cited, *located)
        )
        if not in_change and finding.severity is not Severity.CRITICAL:
            result.dropped += 1
            result.dropped_reasons.append(_reason(finding, "outside the PR's changed lines"))
            continue
        target = next((r for r in rule_findings if is_duplicate(finding, r)), None)
        if target is None:
            target = next((k for k in result.kept if is_duplicate(finding, k)), None)
        if target is not None:
            result.merged += 1
            result.merged_into.append((target.fingerprint, finding))
            continue
        result.kept.append(finding)
    return result
