"""What a human-readable review shows, decided once for every format (Markdown, text).

* The headline never says "no problems" when the review is incomplete or when
  nothing was reviewed: it says so instead.
* Findings are listed by severity, worst first.  ``info`` findings are folded
  away (they stay in the JSON); when more than :data:`MAX_LISTED_LOW` low
  findings would be listed, the low section shows counts per rule instead.
  None of this changes the verdict, which the architect set from severities.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from agents.findings import Finding, Severity
from agents.projects import SupabaseProject
from pipeline.report import Review, ReviewStats

MAX_LISTED_LOW = 25
"""More low findings than this are shown as counts per rule (the JSON lists each)."""

SEVERITY_LABEL = {
    Severity.CRITICAL: "Critical",
    Severity.HIGH: "High",
    Severity.MEDIUM: "Medium",
    Severity.LOW: "Low",
    Severity.INFO: "Info",
}


@dataclass(frozen=True)
class Headline:
    """The verdict line: a mood (for the icon) and its words."""

    mood: str
    """``blocking``, ``comments``, ``clean``, ``incomplete`` or ``nothing``."""
    text: str


def headline(review: Review) -> Headline:
    """The review's verdict in words; never a clean bill when part of it is missing."""
    stats = review.stats
    failed = [name for name, s in stats.specialists.items() if s.error]
    note = "review incomplete" + (f": {', '.join(failed)} failed" if failed else "")
    if review.verdict == "request_changes":
        return Headline("blocking", "Changes requested" + ("" if review.complete else f" ({note})"))
    if not review.complete:
        if any(f.severity.at_least(Severity.LOW) for f in review.findings):
            return Headline("comments", f"Comments ({note})")
        return Headline("incomplete", note[:1].upper() + note[1:])
    if stats.reviewed_nothing and stats.files_seen and not review.findings:
        return Headline("nothing", "Nothing reviewed")
    if review.verdict == "comment":
        return Headline("comments", "Comments")
    return Headline("clean", "No blocking problems")


@dataclass(frozen=True)
class RuleCount:
    """One row of a section shown as counts."""

    rule: str
    title: str
    findings: int
    places: int
    files: int


@dataclass(frozen=True)
class Section:
    """The findings of one severity, and how to show them."""

    severity: Severity
    findings: list[Finding]
    counts: list[RuleCount] = field(default_factory=list)
    """Set when the section is shown as counts per rule instead of a list."""
    folded: bool = False
    """Shown folded away (info)."""


def places(finding: Finding) -> int:
    """How many lines a finding stands for (a grouped finding stands for several)."""
    return len(finding.lines) or 1


def rule_counts(findings: Sequence[Finding]) -> list[RuleCount]:
    """Findings per rule (most first), with the lines and files they cover."""
    by_rule: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        by_rule.setdefault((f.rule or "Claude", f.title), []).append(f)
    rows = [
        RuleCount(rule, title, len(fs), sum(places(f) for f in fs), len({f.path for f in fs}))
        for (rule, title), fs in by_rule.items()
    ]
    return sorted(rows, key=lambda r: (-r.places, r.rule))


def sections(review: Review) -> list[Section]:
    """The severities present, worst first, each listed, counted or folded."""
    out: list[Section] = []
    for severity in Severity:
        found = [f for f in review.findings if f.severity is severity]
        if not found:
            continue
        if severity is Severity.INFO:
            out.append(Section(severity, found, folded=True))
        elif severity is Severity.LOW and len(found) > MAX_LISTED_LOW:
            out.append(Section(severity, found, counts=rule_counts(found)))
        else:
            out.append(Section(severity, found))
    return out


def projects_line(stats: ReviewStats) -> str:
    """The Supabase projects the review found, in words (plain text; callers escape)."""
    if not stats.projects:
        return (
            "none found (no `supabase/` folder holding `config.toml`, `migrations/` or "
            "`functions/`): SQL was reviewed without a migration history"
        )
    parts = []
    for project in stats.projects:
        default = SupabaseProject.at(project.root)
        notes = []
        if project.migration_dirs != default.migration_dirs:
            notes.append(f"migrations in {', '.join(project.migration_dirs)}")
        if project.functions_dir != default.functions_dir:
            notes.append(f"functions in {project.functions_dir}")
        where = f" ({'; '.join(notes)})" if notes else ""
        parts.append(f"`{project.label}`{where}")
    return ", ".join(parts)
