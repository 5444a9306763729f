"""Every schema_performance rule fires on its ``bad`` fixture, not on its ``good`` one."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.rules import DOC_SECTIONS, Rule
from agents.schema_performance.agent import run_rules
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules import RULES
from tests.helpers.workspace import workspace_from_fixture

RuleClass = type[Rule[PerfContext]]
FIXTURES = Path(__file__).resolve().parents[1] / "rules" / "fixtures"


def _fixture(code: str, kind: str) -> Path:
    for candidate in (FIXTURES / code / kind, FIXTURES / code / f"{kind}.sql"):
        if candidate.exists():
            return candidate
    raise AssertionError(f"{code} has no {kind} fixture")


def _codes(path: Path) -> list[str]:
    ws = workspace_from_fixture(path)
    outcome = run_rules(ws.files, ws)
    assert not [n for n in outcome.notes if "failed" in n], outcome.notes
    return [f.rule or "" for f in outcome.findings]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_bad_fixture_fires(rule: RuleClass) -> None:
    assert rule.code in _codes(_fixture(rule.code, "bad"))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_good_fixture_is_quiet(rule: RuleClass) -> None:
    assert rule.code not in _codes(_fixture(rule.code, "good"))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_metadata(rule: RuleClass) -> None:
    sections = rule.doc_sections()
    assert all(sections.get(s) for s in DOC_SECTIONS), sorted(sections)
    assert rule.specialist == "schema_performance"
    assert rule.code.startswith(("PERF", "MIG"))
    assert rule.severity_reason


def test_codes_are_unique() -> None:
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes))
