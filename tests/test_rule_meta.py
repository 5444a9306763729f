"""Every registered rule is documented and has a unique code; the registry is consistent.

For each rule of every stage in :data:`agents.registry.STAGES`:

* a unique stable code (``RLS0xx``, ``PERF0xx``, ``MIG0xx``, ``EDGE0xx``, or the
  syntax-error codes ``SQL001`` / ``TS001``), owned by the stage's specialist;
* the five docstring sections (``What it does``, ``Why is this bad?``,
  ``Example``, ``Use instead``, ``References``), none empty, and a
  ``severity_reason``.

Its fixtures (bad and good) run in ``tests/rules/test_fixtures.py``, the one
fixture test.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from agents import registry
from agents.findings import SPECIALISTS
from agents.rules import DOC_SECTIONS, Rule

CODE_PATTERN = re.compile(r"^(RLS|PERF|MIG|EDGE)\d{3}$|^(SQL|TS)001$")

RuleClass = type[Rule[Any]]

RULE_PARAMS = [
    pytest.param(stage.name, rule, id=rule.code)
    for stage in registry.STAGES
    for rule in stage.rules
]


def _all_rules() -> list[RuleClass]:
    return [rule for stage in registry.STAGES for rule in stage.rules]


def test_stage_names_are_unique_and_specialists_are_the_contract_names() -> None:
    names = registry.stage_names()
    assert len(names) == len(set(names))
    assert set(SPECIALISTS) <= set(names)
    for stage in registry.STAGES:
        assert (stage.prompt is not None) == (stage.specialist is not None), stage.name
        if stage.prompt is not None:
            assert stage.prompt_text().strip(), f"{stage.name}: empty prompt"


def test_codes_are_unique() -> None:
    codes = [r.code for r in _all_rules()]
    codes += [c for stage in registry.STAGES for c in stage.codes]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    assert not duplicates, f"rule codes used twice: {duplicates}"


@pytest.mark.parametrize(("specialist", "rule"), RULE_PARAMS)
def test_rule_metadata(specialist: str, rule: RuleClass) -> None:
    assert CODE_PATTERN.match(rule.code), f"unexpected code {rule.code!r}"
    assert rule.specialist == specialist, f"{rule.code} registered under {specialist}"
    assert rule.name and rule.name == rule.name.lower(), "name: lowercase words with dashes"
    assert rule.severity_reason.strip(), f"{rule.code}: severity_reason is empty"
    sections = rule.doc_sections()
    missing = [s for s in DOC_SECTIONS if not sections.get(s, "").strip()]
    assert not missing, f"{rule.code} docstring lacks sections: {missing}"
