"""Every registered rule is documented, has a unique code, and passes its fixtures.

For each rule in every specialist registry:

* a unique stable code (``RLS0xx``, ``PERF0xx``, ``MIG0xx``, ``EDGE0xx``, or the
  syntax-error codes ``SQL001`` / ``TS001``), owned by the registry's specialist;
* the five docstring sections (``What it does``, ``Why is this bad?``,
  ``Example``, ``Use instead``, ``References``), none empty, and a
  ``severity_reason``;
* ``tests/rules/fixtures/<CODE>/bad.*`` yields at least one finding with that
  code, and ``good.*`` yields none, when the owning specialist's ``run_rules``
  runs on the files default routing would send it.

A registry whose package does not exist yet is skipped with the reason shown;
any other import error fails.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest

from agents.rules import DOC_SECTIONS, Rule
from agents.specialist import RuleOutcome
from pipeline.routing import route
from pipeline.rules_doc import REGISTRIES
from tests.helpers.workspace import workspace_from_fixture

FIXTURES = Path(__file__).parent / "rules" / "fixtures"
CODE_PATTERN = re.compile(r"^(RLS|PERF|MIG|EDGE)\d{3}$|^(SQL|TS)001$")

RuleClass = type[Rule[Any]]


def _missing(exc: ModuleNotFoundError, module: str) -> bool:
    """True when the registry's own package is absent (not a broken import inside it)."""
    parts = module.split(".")
    prefixes = {".".join(parts[:i]) for i in range(2, len(parts) + 1)}
    return exc.name in prefixes


def _collect() -> list[Any]:
    params: list[Any] = []
    for specialist, module, attrs in REGISTRIES:
        try:
            registry = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if not _missing(exc, module):
                raise
            params.append(
                pytest.param(
                    specialist,
                    None,
                    id=f"{specialist}-registry-missing",
                    marks=pytest.mark.skip(reason=f"{module} not importable yet: {exc}"),
                )
            )
            continue
        for attr in attrs:
            for rule in getattr(registry, attr, ()):
                params.append(pytest.param(specialist, rule, id=rule.code))
    return params


RULE_PARAMS = _collect()


def _all_rules() -> list[RuleClass]:
    return [p.values[1] for p in RULE_PARAMS if p.values[1] is not None]


@pytest.mark.parametrize(("specialist", "module", "attrs"), REGISTRIES, ids=lambda v: str(v))
def test_registry_imports(specialist: str, module: str, attrs: tuple[str, ...]) -> None:
    registry = pytest.importorskip(module, reason=f"{specialist} rules not written yet")
    assert getattr(registry, attrs[0], None), f"{module}.{attrs[0]} is empty"
    agent = pytest.importorskip(f"agents.{specialist}.agent")
    assert callable(agent.run_rules)


def test_codes_are_unique() -> None:
    codes = [r.code for r in _all_rules()]
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


def _fixture(code: str, kind: str) -> Path:
    folder = FIXTURES / code
    for candidate in (folder / f"{kind}.sql", folder / f"{kind}.ts", folder / kind):
        if candidate.exists():
            return candidate
    pytest.fail(f"missing fixture {folder}/{kind}.sql|{kind}.ts|{kind}/")


def _run(specialist: str, fixture: Path) -> RuleOutcome:
    workspace = workspace_from_fixture(fixture)
    files = route(workspace.files).files_for(specialist)  # type: ignore[arg-type]
    assert files, f"{fixture}: default routing sends no file to {specialist}"
    agent = importlib.import_module(f"agents.{specialist}.agent")
    outcome: RuleOutcome = agent.run_rules(files, workspace)
    return outcome


@pytest.mark.parametrize(("specialist", "rule"), RULE_PARAMS)
def test_bad_fixture_is_flagged(specialist: str, rule: RuleClass) -> None:
    outcome = _run(specialist, _fixture(rule.code, "bad"))
    codes = [f.rule for f in outcome.findings]
    assert rule.code in codes, f"bad fixture gave {codes}, notes {outcome.notes}"


@pytest.mark.parametrize(("specialist", "rule"), RULE_PARAMS)
def test_good_fixture_is_clean(specialist: str, rule: RuleClass) -> None:
    outcome = _run(specialist, _fixture(rule.code, "good"))
    flagged = [f for f in outcome.findings if f.rule == rule.code]
    assert not flagged, f"good fixture flagged: {[(f.path, f.line, f.message) for f in flagged]}"
