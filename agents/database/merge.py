"""Rule findings meet measurements: confirm, drop what the database contradicts, add the rest.

Pure (no I/O).  The stage hands the review two things built from its
:class:`~agents.database.stage.DatabaseOutcome`:

* :func:`own_findings` — everything the database says on its own: deploy
  failures (DB001/DB002), every measured rewrite or blocking full scan (DB003),
  every table the API roles reach with RLS off (DB004), every proven leak of
  the two-user probe (DB005).  They go through the suppression filter like any
  rule's findings.
* :class:`MeasurementCheck` — the stage's ``RuleOutcome.cross_check``: the
  architect calls it with the rule findings of every stage (the surviving
  database findings included) and keeps what it returns:

  - A migration-safety finding whose statement ran measured gets the
    measurement in its message ("Confirmed on a real database: ACCESS EXCLUSIVE
    on public.orders, table rewritten").  When the rule claims a rewrite
    (MIG006, MIG007) or a full validation scan (MIG004, MIG008) and the
    statement neither rewrote nor scanned any existing table, the measurement
    wins and the finding is dropped.
  - An exposure finding (RLS001, RLS002, RLS014, RLS018) on a table the PR
    created or changed is confirmed with the effective privileges of ``anon``
    and ``authenticated``.  When neither holds any privilege on it (the 2026
    default privileges: a new table is reachable by no API role), a finding
    that claims they can reach it is dropped; one that already says nothing
    grants it yet (the rules' own "not exposed yet" variant) is confirmed.
  - A deploy failure (DB001) in a file the SQL parser already rejected
    (SQL001) is the same problem: it folds into the SQL001 finding.
  - A DB003/DB004 finding about what a rule finding already spoke of (and was
    confirmed with) goes: one finding per problem.
  - A proven leak (DB005) on a policy a rule already reported (a rule finding
    inside the policy's ``create policy`` statement) merges into that rule
    finding: one finding, the worse severity, marked "Confirmed on a real
    database" with the proof and its reproduction.

  It only ever removes or rewrites what it is given, so a database finding a
  comment suppressed never comes back through it.

The message changes, never the title or evidence: the fingerprint (and so
suppressions and dedupe across pushes) stays the same with or without a
database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from agents.database.apply import LOCK_MODES, LockMeasure
from agents.database.codes import DB_FAILS
from agents.database.findings import exposure_finding, rewrite_finding
from agents.database.privileges import PrivilegeFact
from agents.findings import Finding, Severity
from agents.rls_security.facts import NOT_GRANTED_YET

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
PARSE_FAILURE = "SQL001"
"""The rule that reports a migration PostgreSQL's parser rejects (the deploy fails too)."""
SAME_STATEMENT_LINES = 3
_SHARE = LOCK_MODES.index("ShareLock")

CONFIRMED = "Confirmed on a real database"


@dataclass
class MergeReport:
    """The adjusted findings and every verdict the measurement changed (for the comment)."""

    findings: list[Finding] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    """One line per rule finding the measurement dropped (it contradicted the rule) or
    raised (the probe proved worse than the rule said)."""
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


_Key = tuple[str | None, str, int | None, str]


def _key(f: Finding) -> _Key:
    return (f.rule, f.path, f.line, f.message)


def _blocking(m: LockMeasure) -> bool:
    """A rewrite, or a full scan under a lock that blocks writes: worth a finding."""
    strongest = m.strongest
    blocking = strongest is not None and LOCK_MODES.index(strongest) >= _SHARE
    return m.rewritten or (m.scanned and blocking and bool(m.modes))


def _exposed(outcome: DatabaseOutcome) -> list[tuple[PrivilegeFact, tuple[str, int]]]:
    """Tables the PR created or changed that the API roles reach with RLS off."""
    out: list[tuple[PrivilegeFact, tuple[str, int]]] = []
    for fact in outcome.privileges:
        if fact.kind not in ("table", "foreign table") or fact.rls or not fact.reachable:
            continue
        schema, _, name = fact.name.replace('"', "").partition(".")
        anchor = outcome.anchors.get((schema, name))
        if anchor is not None:
            out.append((fact, anchor))
    return out


def own_findings(outcome: DatabaseOutcome) -> list[Finding]:
    """Everything the database found on its own (see the module docstring); empty when it
    did not run."""
    if outcome.status not in ("ran", "deadline"):
        return []
    found = list(outcome.findings)
    found += [rewrite_finding(m) for m in outcome.measures if _blocking(m)]
    found += [exposure_finding(fact, path, line) for fact, (path, line) in _exposed(outcome)]
    found += outcome.probe_findings
    return found


class MeasurementCheck:
    """The database stage's cross-check of the review's rule findings (module docstring)."""

    def __init__(self, outcome: DatabaseOutcome) -> None:
        self.outcome = outcome
        self._rewrites = {_key(rewrite_finding(m)): id(m) for m in outcome.measures if _blocking(m)}
        self._exposures = {
            _key(exposure_finding(fact, path, line)): id(fact)
            for fact, (path, line) in _exposed(outcome)
        }
        self._leaks = {_key(f) for f in outcome.probe_findings}

    def __call__(self, findings: Sequence[Finding]) -> tuple[list[Finding], list[str]]:
        report = self.merge(findings)
        return report.findings, report.changed

    def merge(self, findings: Sequence[Finding]) -> MergeReport:
        """``findings`` checked against the measurements (see the module docstring)."""
        outcome = self.outcome
        report = MergeReport()
        used_measures: set[int] = set()
        used_facts: set[int] = set()
        tables = [p for p in outcome.privileges if p.kind in ("table", "foreign table")]
        own: list[Finding] = []
        leaks: list[Finding] = []
        for f in findings:
            key = _key(f)
            if f.source == "database" and key in self._leaks:
                leaks.append(f)
                continue
            if f.source == "database" and (key in self._rewrites or key in self._exposures):
                own.append(f)
                continue
            checked = self._check(f, tables, used_measures, used_facts, report)
            if checked is not None:
                report.findings.append(checked)
        for f in own:
            source = self._rewrites.get(_key(f))
            if source is not None and source in used_measures:
                continue  # a rule finding on the same statement carries the measurement
            source = self._exposures.get(_key(f))
            if source is not None and source in used_facts:
                continue  # a rule finding on the same table carries the privileges
            report.findings.append(f)
        report.findings = self._merge_parse_failures(report.findings)
        report.findings = _merge_probe(report, leaks)
        return report

    def _merge_parse_failures(self, findings: list[Finding]) -> list[Finding]:
        """A DB001 in a file the parser rejected (SQL001) folds into the SQL001 finding."""
        errors = {
            (r.failure.path, r.failure.line): f"ERROR {r.failure.sqlstate}: {r.failure.message}"
            for run in self.outcome.projects
            for r in run.results
            if r.failure is not None
        }
        unparsable = {f.path: i for i, f in enumerate(findings) if f.rule == PARSE_FAILURE}
        out = list(findings)
        folded: set[int] = set()
        for i, f in enumerate(findings):
            target = unparsable.get(f.path)
            if f.rule != DB_FAILS or f.source != "database" or target is None:
                continue
            error = errors.get((f.path, f.line or 0), "the migration fails to apply")
            out[target] = _with_note(out[target], f"PostgreSQL rejects it too ({error})")
            folded.add(i)
        return [f for i, f in enumerate(out) if i not in folded]

    def _check(
        self,
        f: Finding,
        tables: Sequence[PrivilegeFact],
        used_measures: set[int],
        used_facts: set[int],
        report: MergeReport,
    ) -> Finding | None:
        """One rule finding confirmed, kept as it is, or dropped (None, with a note)."""
        outcome = self.outcome
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
                return None
            if found:
                report.confirmed += 1
                return _with_note(f, "; ".join(m.describe() for m in found))
        elif f.rule in EXPOSURE_RULES:
            fact = _fact_for(f, tables, outcome)
            if fact is not None:
                used_facts.add(id(fact))
                if not fact.reachable and not _claims_reach(f):
                    report.confirmed += 1
                    return _with_note(f, f"no API role holds a privilege on {fact.name} yet")
                if not fact.reachable:
                    report.changed.append(
                        f"{f.rule} at {f.path}:{f.line} dropped: measured on a real database, "
                        f"neither anon nor authenticated holds a privilege on {fact.name}"
                    )
                    return None
                report.confirmed += 1
                return _with_note(f, f"{fact.describe()} on {fact.name}")
        return f


def _claims_reach(f: Finding) -> bool:
    """Whether an exposure finding says anon or authenticated can reach its object today.

    The RLS rules model the grants themselves; where nothing grants an object yet they
    say so at a lower severity (RLS001/RLS002: medium with the shared "not granted
    yet" sentence; RLS014: low).  Those agree with a measurement that finds no
    privilege, every other exposure finding is contradicted by it.
    """
    return f.severity.at_least(Severity.MEDIUM) and NOT_GRANTED_YET not in f.message


def merge_with_measurements(
    rule_findings: Sequence[Finding], outcome: DatabaseOutcome | None
) -> MergeReport:
    """``rule_findings`` and the database's own findings as one review would merge them
    (tests and benchmarks: the review itself goes through the stage's cross-check)."""
    if outcome is None or outcome.status not in ("ran", "deadline"):
        return MergeReport(findings=list(rule_findings))
    return MeasurementCheck(outcome).merge([*rule_findings, *own_findings(outcome)])


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
        if worst is not rule.severity:
            report.changed.append(
                f"{rule.rule} at {rule.path}:{rule.line} raised from {rule.severity.value} to "
                f"{worst.value}: the probe proved the leak on a real database"
            )
        findings[target] = rule.model_copy(
            update={
                "severity": worst,
                "message": f"{rule.message} {CONFIRMED}: {proof}".strip(),
                "reproduction": leak.reproduction,
            }
        )
        report.confirmed += 1
    return findings
