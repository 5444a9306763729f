"""The deterministic architect: one ranked list of findings and a verdict.

Three steps, in this order:

1. LLM findings (if any) are checked against the code by
   :func:`agents.architect.verify.verify_llm_findings`; what is ungrounded,
   out of scope or already said by a rule does not survive.
2. Rule findings from different specialists that say the same thing at the
   same place are merged, keeping the worst severity.  Two findings of the
   same rule on *different* lines are two problems (two policies two lines
   apart can both be ``USING (true)``), so same-rule merging needs the same
   line; cross-specialist merging allows nearby lines and needs the same title.
   A rule finding is never dropped in favour of an LLM one, nor downgraded.
3. Everything is ranked (severity, then path, then line) and the verdict
   follows from the worst severity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from agents.architect.group import group_findings
from agents.changes import Workspace
from agents.findings import Finding, Severity
from agents.specialist import LlmUsage

NEAR_LINES = 3
"""Lines apart two findings of different specialists may be and still be the same place."""

VERDICT_APPROVE = "approve"
VERDICT_COMMENT = "comment"
VERDICT_REQUEST_CHANGES = "request_changes"


@dataclass
class MergeResult:
    """The architect's list, and how much it filtered."""

    findings: list[Finding] = field(default_factory=list)
    """Ranked, deduplicated findings (rules and verified LLM findings)."""
    duplicates_merged: int = 0
    """Rule findings folded into an equivalent one."""
    llm_dropped: int = 0
    """LLM findings rejected by verification."""
    llm_merged: int = 0
    """LLM findings that repeated a rule finding."""
    grouped: int = 0
    """Rule findings folded into another of the same rule and file (see ``group``)."""
    llm_usage: LlmUsage = field(default_factory=LlmUsage)


def _norm_title(title: str) -> str:
    return " ".join(title.lower().split())


def _same(a: Finding, b: Finding) -> bool:
    """Same place and same meaning."""
    if a.path != b.path:
        return False
    if a.rule is not None and a.rule == b.rule:
        return a.line == b.line
    if a.specialist == b.specialist:
        return a.line == b.line and _norm_title(a.title) == _norm_title(b.title)
    if a.line is None or b.line is None:
        same_place = a.line is None and b.line is None
    else:
        same_place = abs(a.line - b.line) <= NEAR_LINES
    return same_place and _norm_title(a.title) == _norm_title(b.title)


def _better(kept: Finding, new: Finding) -> Finding:
    """Of two equivalent findings, the one to keep: a rule over the LLM, then the worst."""
    if (kept.source == "rule") != (new.source == "rule"):
        return kept if kept.source == "rule" else new
    return new if new.severity.rank > kept.severity.rank else kept


def dedupe(findings: Sequence[Finding]) -> tuple[list[Finding], int]:
    """Findings with equivalents merged (first occurrence keeps its position)."""
    kept: list[Finding] = []
    by_path: dict[str, list[int]] = {}
    """Indexes into ``kept`` per path: findings on different paths are never the same,
    so a 500-finding PR compares within files instead of all pairs."""
    merged = 0
    for f in findings:
        slots = by_path.setdefault(f.path, [])
        for i in slots:
            if _same(kept[i], f):
                kept[i] = _better(kept[i], f)
                merged += 1
                break
        else:
            slots.append(len(kept))
            kept.append(f)
    return kept, merged


def rank_key(f: Finding) -> tuple[int, str, int, str, str]:
    """Worst severity first, then path and line; rule findings before LLM ones."""
    return (-f.severity.rank, f.path, f.line or 0, f.rule or "~", f.title)


def verdict_for(findings: Sequence[Finding], *, complete: bool = True) -> str:
    """``request_changes`` on any critical/high, ``comment`` on any medium/low, else ``approve``.

    An incomplete review never approves: what was not reviewed may hold anything, so it
    is at least ``comment`` (a person must look).
    """
    if any(f.severity.at_least(Severity.HIGH) for f in findings):
        return VERDICT_REQUEST_CHANGES
    if any(f.severity.at_least(Severity.LOW) for f in findings) or not complete:
        return VERDICT_COMMENT
    return VERDICT_APPROVE


def merge_findings(
    rule_findings: Sequence[Finding],
    llm_findings: Sequence[Finding],
    workspace: Workspace,
) -> MergeResult:
    """Verify, dedupe and rank.  Pure: no network, no clock."""
    result = MergeResult()
    rules, result.duplicates_merged = dedupe(rule_findings)
    kept_llm: list[Finding] = []
    if llm_findings:
        # Imported only when Claude said something: rules-only runs never need it.
        from agents.architect.verify import verify_llm_findings

        verified = verify_llm_findings(llm_findings, workspace, rules)
        kept_llm = list(verified.kept)
        result.llm_dropped = verified.dropped
        result.llm_merged = verified.merged
    rules, result.grouped = group_findings(rules)
    result.findings = sorted([*rules, *kept_llm], key=rank_key)
    return result


_SEVERITY_WORDS = {
    Severity.CRITICAL: "critical",
    Severity.HIGH: "high",
    Severity.MEDIUM: "medium",
    Severity.LOW: "low",
    Severity.INFO: "informational",
}


def deterministic_summary(
    findings: Sequence[Finding],
    verdict: str,
    *,
    incomplete: Sequence[str] = (),
    reviewed: bool = True,
) -> str:
    """A one-paragraph summary built from counts, for runs without Claude.

    Never "no problems" when nothing was reviewed or the review is incomplete.
    """
    gap = ""
    if incomplete:
        more = f" (and {len(incomplete) - 1} more)" if len(incomplete) > 1 else ""
        gap = f" The review is incomplete: {incomplete[0]}{more}."
    if not findings:
        if not reviewed:
            return (
                "Nothing was reviewed: no changed file is one the specialists read "
                "(SQL, Edge Functions, Supabase config)." + gap
            )
        if incomplete:
            return "No problems found in what could be reviewed." + gap
        return "No problems found in the reviewed files."
    counts = dict.fromkeys(Severity, 0)
    for f in findings:
        counts[f.severity] += 1
    parts = [f"{n} {_SEVERITY_WORDS[s]}" for s, n in counts.items() if n]
    noun = "finding" if len(findings) == 1 else "findings"
    files = len({f.path for f in findings})
    file_noun = "file" if files == 1 else "files"
    head = f"{len(findings)} {noun} ({', '.join(parts)}) in {files} {file_noun}."
    if verdict == VERDICT_REQUEST_CHANGES:
        ranked = sorted(findings, key=rank_key)
        worst = ranked[0]
        where = f"{worst.path}:{worst.line}" if worst.line is not None else worst.path
        return f"{head} Fix before merging; the most severe: {worst.title} ({where}).{gap}"
    if verdict == VERDICT_COMMENT and any(f.severity.at_least(Severity.LOW) for f in findings):
        return f"{head} Nothing blocking; worth addressing before merge.{gap}"
    return f"{head} Nothing blocking.{gap}"
