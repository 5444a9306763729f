"""The deterministic architect: dedupe, rank, verdict, summary."""

from __future__ import annotations

from agents.architect.merge import (
    dedupe,
    deterministic_summary,
    merge_findings,
    verdict_for,
)
from agents.changes import Workspace
from agents.findings import Severity

from .factories import finding


def test_same_rule_same_line_merges_keeping_worst() -> None:
    a = finding(severity=Severity.MEDIUM)
    b = finding(severity=Severity.CRITICAL)
    kept, merged = dedupe([a, b])
    assert kept == [b]
    assert merged == 1


def test_same_rule_on_different_lines_are_two_problems() -> None:
    kept, merged = dedupe([finding(line=3), finding(line=5)])
    assert len(kept) == 2
    assert merged == 0


def test_cross_specialist_same_title_nearby_merges() -> None:
    a = finding(specialist="rls_security", rule="RLS010", line=10, severity=Severity.MEDIUM)
    b = finding(specialist="schema_performance", rule="PERF010", line=12, severity=Severity.HIGH)
    kept, merged = dedupe([a, b])
    assert kept == [b]
    assert merged == 1


def test_cross_specialist_different_meaning_kept() -> None:
    a = finding(specialist="rls_security", line=10)
    b = finding(specialist="schema_performance", rule="PERF001", line=10, title="Unindexed FK")
    kept, _ = dedupe([a, b])
    assert kept == [a, b]


def test_rule_finding_never_replaced_by_llm() -> None:
    rule = finding(severity=Severity.LOW)
    llm = finding(severity=Severity.CRITICAL, rule=None, source="llm")
    kept, _ = dedupe([rule, llm])
    assert kept == [rule]


def test_rank_severity_then_path_then_line() -> None:
    low = finding(path="a.sql", line=1, severity=Severity.LOW, rule="X1")
    crit_b = finding(path="b.sql", line=9, severity=Severity.CRITICAL, rule="X2")
    crit_a2 = finding(path="a.sql", line=20, severity=Severity.CRITICAL, rule="X3")
    crit_a1 = finding(path="a.sql", line=2, severity=Severity.CRITICAL, rule="X4")
    result = merge_findings([low, crit_b, crit_a2, crit_a1], [], Workspace(files=[]))
    assert result.findings == [crit_a1, crit_a2, crit_b, low]


def test_verdicts() -> None:
    assert verdict_for([]) == "approve"
    assert verdict_for([finding(severity=Severity.INFO)]) == "approve"
    assert verdict_for([finding(severity=Severity.LOW)]) == "comment"
    assert verdict_for([finding(severity=Severity.MEDIUM)]) == "comment"
    assert verdict_for([finding(severity=Severity.HIGH)]) == "request_changes"
    assert verdict_for([finding(severity=Severity.CRITICAL)]) == "request_changes"


def test_deterministic_summary_counts_and_names_worst() -> None:
    findings = [
        finding(severity=Severity.CRITICAL, path="a.sql", line=4, title="Policy always true"),
        finding(severity=Severity.LOW, path="b.ts", line=1, rule="EDGE1"),
    ]
    text = deterministic_summary(findings, "request_changes")
    assert text.startswith("2 findings (1 critical, 1 low) in 2 files.")
    assert "Policy always true (a.sql:4)" in text
    assert deterministic_summary([], "approve") == "No problems found in the reviewed files."
