"""Whole-review regression cases, judged the way ``shared/bench/score.py`` judges.

Each folder under ``tests/cases/`` is laid out like a bench case (``base/``,
``head/``, ``case.json`` with ``expect``, ``tolerated`` and ``deleted``).  The
review runs in-process through the real routing, graph, rule packs and
architect (rules only).  A case passes when every expectation is found by a
finding of the same path and specialist within 3 lines at or above its
``min_severity``, and no other finding of severity low or above appears
(``tolerated`` places excepted).  These cases were written apart from the
bench's development set, to keep the rules honest about generalising.

A case written before the feature that catches it carries ``"pending": "why"``
in its ``case.json``: it is a strict xfail, so the day it passes the marker
must go (a pending case can never hide a regression of a finished one).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agents.findings import Finding, Severity
from pipeline.config import Config
from pipeline.review import run_review
from tests.helpers.workspace import read_tree, workspace_from_trees

CASES = Path(__file__).resolve().parent / "cases"
TOLERANCE = 3


def _case_dirs() -> list[Any]:
    out: list[Any] = []
    for path in sorted(p for p in CASES.iterdir() if (p / "case.json").is_file()):
        pending = json.loads((path / "case.json").read_text(encoding="utf-8")).get("pending")
        marks = [pytest.mark.xfail(strict=True, reason=str(pending))] if pending else []
        out.append(pytest.param(path, marks=marks, id=path.name))
    return out


def _review(case: Path) -> tuple[dict[str, Any], list[Finding]]:
    spec = json.loads((case / "case.json").read_text(encoding="utf-8"))
    base = read_tree(case / "base")
    head: dict[str, str | None] = dict(read_tree(case / "head"))
    for path in spec.get("deleted", []):
        head[path] = None
    ws = workspace_from_trees(base, head)
    review = run_review(ws, Config(), llm_status="rules only: test")
    return spec, list(review.findings)


@pytest.mark.parametrize("case", _case_dirs())
def test_case(case: Path) -> None:
    spec, findings = _review(case)
    judged = [f for f in findings if f.severity is not Severity.INFO and f.line is not None]
    used: set[int] = set()
    missed = []
    for exp in spec["expect"]:
        floor = Severity(exp["min_severity"])
        match = next(
            (
                i
                for i, f in sorted(enumerate(judged), key=lambda p: abs(p[1].line - exp["line"]))
                if i not in used
                and f.path == exp["path"]
                and f.specialist == exp["specialist"]
                and abs(f.line - exp["line"]) <= TOLERANCE
                and f.severity.at_least(floor)
            ),
            None,
        )
        if match is None:
            missed.append(f"{exp['specialist']} {exp['path']}:{exp['line']} ({exp['why']})")
        else:
            used.add(match)
    tolerated = spec.get("tolerated", [])
    noise = [
        f"{f.specialist} {f.rule} {f.severity.value} {f.path}:{f.line} {f.title}"
        for i, f in enumerate(judged)
        if i not in used
        and not any(t["path"] == f.path and abs(t["line"] - f.line) <= TOLERANCE for t in tolerated)
    ]
    assert not missed and not noise, {"missed": missed, "false positives": noise}
