"""Every edge_reliability rule (and PERF020) fires on its bad fixture and not on its good one."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.edge_reliability.agent import run_rules
from agents.edge_reliability.rules import RULES
from agents.findings import Finding
from agents.rules import DOC_SECTIONS
from agents.schema_performance.rules.query_in_loop import QueryInLoop
from agents.ts.context import ts_context_for
from tests.helpers.workspace import workspace_from_fixture

FIXTURES = Path(__file__).parent.parent / "rules" / "fixtures"
CODES = sorted(rule.code for rule in RULES)


def _fixture(code: str, kind: str) -> Path:
    for candidate in (FIXTURES / code / f"{kind}.ts", FIXTURES / code / kind):
        if candidate.exists():
            return candidate
    raise AssertionError(f"{code} has no {kind} fixture")


def _edge_findings(path: Path) -> list[Finding]:
    workspace = workspace_from_fixture(path)
    outcome = run_rules(workspace.files, workspace)
    assert outcome.notes == [], outcome.notes
    return outcome.findings


@pytest.mark.parametrize("code", CODES)
def test_bad_fixture_fires(code: str) -> None:
    found = [f for f in _edge_findings(_fixture(code, "bad")) if f.rule == code]
    assert found, f"{code} did not fire on its bad fixture"
    assert all(f.specialist == "edge_reliability" and f.line is not None for f in found)


@pytest.mark.parametrize("code", CODES)
def test_good_fixture_is_quiet(code: str) -> None:
    found = [f for f in _edge_findings(_fixture(code, "good")) if f.rule == code]
    assert found == []


@pytest.mark.parametrize("code", CODES)
def test_rule_has_doc_sections_and_reason(code: str) -> None:
    rule = next(r for r in RULES if r.code == code)
    sections = rule.doc_sections()
    assert set(sections) == set(DOC_SECTIONS)
    assert all(sections.values())
    assert rule.severity_reason


def test_codes_are_unique() -> None:
    assert len(CODES) == len(set(CODES))


def _perf020(kind: str) -> list[Finding]:
    workspace = workspace_from_fixture(_fixture("PERF020", kind))
    findings: list[Finding] = []
    for file in workspace.files:
        ctx = ts_context_for(file, workspace)
        if ctx is not None:
            findings.extend(QueryInLoop().check(ctx))
    return findings


def test_perf020_fixtures() -> None:
    bad = _perf020("bad")
    assert [(f.rule, f.line, f.specialist) for f in bad] == [
        ("PERF020", 10, "schema_performance")
    ]
    assert bad[0].severity == "medium"  # awaited one by one inside the handler
    assert _perf020("good") == []
