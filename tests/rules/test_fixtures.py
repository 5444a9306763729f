"""Every rule on its own fixtures: the bad one gives exactly its snapshot, the good one nothing.

For each rule of every stage in :data:`agents.registry.STAGES`, the owning
stage runs (on the files default routing sends it) over
``tests/rules/fixtures/<CODE>/bad.sql|bad.ts|bad/`` and the findings *of that
rule* — path, line, code and message — must equal
``tests/rules/fixtures/<CODE>/bad.expected.json`` exactly: a rule that fires on
the wrong line, twice, or with a changed message fails here.  ``good.*`` must
give no finding of the rule.  This is the one test that runs the fixtures.

Update mode: ``UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/rules`` rewrites
the expected files from what the rules say now (and still fails nothing).
**Every snapshot diff must be read by a human before it is committed**: a
snapshot records what the rule says, not what it should say.  Check each line
number against the fixture and each message against the code it describes; a
wrong line is a bug to fix in the rule, never a snapshot to accept.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from agents import registry
from agents.rules import Rule
from agents.specialist import RuleOutcome
from pipeline.routing import route
from tests.helpers.workspace import workspace_from_fixture

FIXTURES = Path(__file__).parent / "fixtures"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"

RULES = [
    pytest.param(stage.name, rule, id=rule.code)
    for stage in registry.STAGES
    for rule in stage.rules
]


def fixture(code: str, kind: str) -> Path:
    """``<CODE>/<kind>.sql``, ``<kind>.ts`` or the ``<kind>/`` folder (base/ and head/ trees)."""
    folder = FIXTURES / code
    for candidate in (folder / f"{kind}.sql", folder / f"{kind}.ts", folder / kind):
        if candidate.exists():
            return candidate
    pytest.fail(f"missing fixture {folder}/{kind}.sql|{kind}.ts|{kind}/")


def run_stage(stage: str, path: Path) -> RuleOutcome:
    """The stage's findings on a fixture, as a review would route it."""
    workspace = workspace_from_fixture(path)
    files = route(workspace.files).files_for(stage)
    assert files, f"{path}: default routing sends no file to {stage}"
    outcome = registry.find_stage(stage).run(files, workspace)
    crashed = [n for n in outcome.notes if " failed (" in n]
    assert not crashed, crashed
    return outcome


def snapshot(outcome: RuleOutcome, code: str) -> list[dict[str, Any]]:
    found = [
        {"path": f.path, "line": f.line, "code": f.rule, "message": f.message}
        for f in outcome.findings
        if f.rule == code
    ]
    return sorted(found, key=lambda f: (f["path"], f["line"] or 0, f["message"]))


@pytest.mark.parametrize(("stage", "rule"), RULES)
def test_rule_fixtures(stage: str, rule: type[Rule[Any]]) -> None:
    got = snapshot(run_stage(stage, fixture(rule.code, "bad")), rule.code)
    expected_file = FIXTURES / rule.code / "bad.expected.json"
    if UPDATE:
        expected_file.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n")
    assert expected_file.exists(), f"no snapshot: run UPDATE_SNAPSHOTS=1 pytest {__file__}"
    assert got, f"{rule.code} does not fire on its bad fixture"
    assert got == json.loads(expected_file.read_text(encoding="utf-8"))

    flagged = snapshot(run_stage(stage, fixture(rule.code, "good")), rule.code)
    assert flagged == [], f"{rule.code} fires on its good fixture"


def test_every_snapshot_belongs_to_a_registered_rule() -> None:
    codes = {rule.code for stage in registry.STAGES for rule in stage.rules}
    orphans = sorted(p.parent.name for p in FIXTURES.glob("*/bad.expected.json"))
    assert [c for c in orphans if c not in codes] == []
