"""Rule findings meet measurements: confirm, drop what the database contradicts, add the rest.

Pure (no I/O): the architect calls :func:`merge_with_measurements` with the
rule findings and the :class:`~agents.database.stage.DatabaseOutcome`.

* A migration-safety finding whose statement ran measured gets the
  measurement in its message ("Measured on a real database: ACCESS EXCLUSIVE
  on public.orders, table rewritten").  When the rule claims a rewrite
  (MIG006, MIG007) or a full validation scan (MIG004, MIG008) and the
  statement neither rewrote nor scanned any existing table, the measurement
  wins and the finding is dropped.
* An exposure finding (RLS001, RLS002, RLS014, RLS018) on a table the PR
  created or changed is confirmed with the effective privileges of ``anon``
  and ``authenticated``, or dropped when neither holds any privilege on it
  (the 2026 default privileges: a new table is reachable by no API role).
* What the database found that no rule said becomes a DB003/DB004 finding.
* A proven leak of the two-user probe (DB005) on a policy a rule already
  reported (a rule finding inside the policy's ``create policy`` statement)
  merges into that rule finding: one finding, the worse severity, marked
  "Confirmed on a real database" with the proof and its reproduction.

The message changes, never the title or evidence: the fingerprint (and so
suppressions and dedupe across pushes) stays the same with or without a
database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from agents.database.apply import LOCK_MODES, LockMeasure
from agents.database.findings import exposure_finding, rewrite_finding
from agents.database.privileges import PrivilegeFact
from agents.findings import Finding

if TYPE_CHECKING:
    from agents.database.stage import DatabaseOutcome

REWRITE_CLAIMS = frozenset({"MIG006", "MIG007"})
"""Rules whose finding says the statement rewrites the table."""
SCAN_CLAIMS = frozenset({"MIG004", "MIG008"})
"""Rules whose finding says the statement scans every row to validate."""
LOCK_RULES = frozenset(
    {"MIG001", "MIG002", "MIG009", "MIG013", "MIG016", *REWRITE_CLAIMS, *SCAN_CLAIMS}
)
EXPOSURE_RULES = frozenset({"RLS001", "RLS002", "RLS014", "RLS018"})
SAME_STATEMENT_LINES = 3
_SHARE = LOCK_MODES.index("ShareLock")

CONFIRMED = "Confirmed on a real database"


@dataclass
class MergeReport:
    """The adjusted findings and every verdict the measurement changed (for the comment)."""

    findings: list[Finding] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    """One line per rule finding dropped because the measurement contradicted it."""
    confirmed: int = 0


def _within(f: Finding, span: tuple[int, int]) -> bool:
    return f.line is not None and span[0] <= f.line <= span[1]


def _measures_for(f: Finding, measures: Sequence[LockMeasure]) -> list[LockMeasure]:
    return [m for m in measures if m.path == f.path and _within(f, (m.line, m.end_line))]


def _with_note(f: Finding, note: str) -> Finding:
    return f.model_copy(update={"message": f"{f.message} {CONFIRMED}: {note}.".strip()})


def _fact_for(
    f: Finding, facts: Sequence[PrivilegeFact], outcome: DatabaseOutcome
) -> PrivilegeFact | None:
    for fact in facts:
        schema, _, name = fact.name.replace('"', "").partition(".")
        anchor = outcome.anchors.get((schema, name))
        if anchor is None or anchor[0] != f.path or f.line is None:
            continue
        if abs(anchor[1] - f.line) <= SAME_STATEMENT_LINES:
            return fact
    return None


def merge_with_measurements(
    rule_findings: Sequence[Finding], outcome: DatabaseOutcome | None
) -> MergeReport:
    """Rule findings adjusted by the measurements, plus the database's own findings."""
    report = MergeReport()
    if outcome is None or outcome.status not in ("ran", "deadline"):
        report.findings = list(rule_findings)
        return report
    used_measures: set[int] = set()
    used_facts: set[int] = set()
    tables = [p for p in outcome.privileges if p.kind in ("table", "foreign table")]
    for f in rule_findings:
        if f.rule in LOCK_RULES and f.line is not None:
            spans = outcome.measured.get(f.path, [])
            ran = any(_within(f, span) for span in spans)
            found = _measures_for(f, outcome.measures)
            used_measures.update(id(m) for m in found)
            rewritten = any(m.rewritten for m in found)
            # a scan claim is about the file's transaction: the lock taken here is held
            # through a validation later in the same file (MIG004's NOT VALID + VALIDATE)
            scanned = any(
                m.scanned or m.rewritten
                for m in outcome.measures
                if m.path == f.path and m.end_line >= f.line
            )
            if ran and (
                (f.rule in REWRITE_CLAIMS and not rewritten)
                or (f.rule in SCAN_CLAIMS and not scanned)
            ):
                what = "rewrite" if f.rule in REWRITE_CLAIMS else "full-table scan"
                report.changed.append(
                    f"{f.rule} at {f.path}:{f.line} dropped: measured on a real database, the "
                    f"statement did no {what} of an existing table"
                )
                continue
            if found:
                f = _with_note(f, "; ".join(m.describe() for m in found))
                report.confirmed += 1
        elif f.rule in EXPOSURE_RULES:
            fact = _fact_for(f, tables, outcome)
            if fact is not None:
                used_facts.add(id(fact))
                if not fact.reachable:
                    report.changed.append(
                        f"{f.rule} at {f.path}:{f.line} dropped: measured on a real database, "
                        f"neither anon nor authenticated holds a privilege on {fact.name}"
                    )
                    continue
                f = _with_note(f, f"{fact.describe()} on {fact.name}")
                report.confirmed += 1
        report.findings.append(f)
    for m in outcome.measures:
        if id(m) in used_measures:
            continue
        strongest = m.strongest
        blocking = strongest is not None and LOCK_MODES.index(strongest) >= _SHARE
        if m.rewritten or (m.scanned and blocking and m.modes):
            report.findings.append(rewrite_finding(m))
            used_measures.add(id(m))
    for fact in tables:
        if id(fact) in used_facts or fact.rls or not fact.reachable:
            continue
        schema, _, name = fact.name.replace('"', "").partition(".")
        anchor = outcome.anchors.get((schema, name))
        if anchor is None:
            continue
        report.findings.append(exposure_finding(fact, anchor[0], anchor[1]))
    report.findings.extend(outcome.findings)
    report.findings = _merge_probe(report, outcome.probe_findings)
    return report


def _merge_probe(report: MergeReport, probe: Sequence[Finding]) -> list[Finding]:
    """Rule findings on a proven-leaky policy absorb the probe's finding (see module doc)."""
    findings = list(report.findings)
    for leak in probe:
        span = (leak.line or 0, leak.end_line or leak.line or 0)
        target = max(
            (
                i
                for i, f in enumerate(findings)
                if f.source == "rule"
                and f.specialist == leak.specialist
                and f.path == leak.path
                and _within(f, span)
            ),
            key=lambda i: findings[i].severity.rank,
            default=None,
        )
        if target is None:
            findings.append(leak)
            continue
        rule = findings[target]
        proof = leak.message.removeprefix("Proven on a real database: ")
        worst = rule.severity if rule.severity.rank >= leak.severity.rank else leak.severity
        findings[target] = rule.model_copy(
            update={
                "severity": worst,
                "message": f"{rule.message} {CONFIRMED}: {proof}".strip(),
                "reproduction": leak.reproduction,
            }
        )
        report.confirmed += 1
    return findings
