"""Suppression of SQL findings by ``-- architect-review: ignore CODE reason`` comments.

Both SQL specialists run their rules on the same parsed file and must honour
the same comments the same way, so the sorting lives here once.
"""

from __future__ import annotations

from collections.abc import Iterable

from agents.findings import Finding, SuppressedFinding
from agents.specialist import RuleOutcome
from agents.sql.parse import ParsedSql


def statement_line(parsed: ParsedSql, line: int | None) -> int:
    """First line of the statement holding ``line`` (the line itself when outside any)."""
    if line is None:
        return 0
    for stmt in parsed.statements:
        if stmt.line <= line <= stmt.end_line:
            return stmt.line
    return line


def sort_suppressed(found: Iterable[Finding], parsed: ParsedSql, outcome: RuleOutcome) -> None:
    """Append ``found`` to ``outcome.findings``, or to ``outcome.suppressed`` (with the
    comment's reason) when a suppression comment names the finding's rule."""
    for finding in found:
        stmt_line = statement_line(parsed, finding.line)
        sup = parsed.suppression_for(finding.rule or "", stmt_line, finding.line)
        if sup is None:
            outcome.findings.append(finding)
        else:
            outcome.suppressed.append(SuppressedFinding(finding=finding, reason=sup.reason))
