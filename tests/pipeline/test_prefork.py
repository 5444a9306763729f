"""Forked stage workers (pipeline.prefork): same review, and never worse than in-process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork on Linux only")


def _probe(scenario: str) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-m", "tests.helpers.prefork_probe", scenario],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def test_workers_give_the_same_findings_as_the_in_process_review() -> None:
    result = _probe("same")
    assert result["forked"] == ["edge_reliability", "rls_security", "schema_performance"]
    assert result["same"] is True
    assert isinstance(result["count"], int) and result["count"] > 0


def test_a_worker_that_dies_is_replaced_by_an_in_process_run() -> None:
    assert _probe("dies") == {"notes": ["ran in the parent"]}


def test_a_stage_that_raises_in_its_worker_fails_like_in_process() -> None:
    assert _probe("raises") == {"error": "ValueError: rule pack exploded"}


def test_a_stage_that_aborts_the_review_in_its_worker_aborts_it_like_in_process() -> None:
    assert _probe("aborts") == {"aborted": "required, but not available"}


def test_a_worker_asked_for_other_files_is_not_trusted() -> None:
    assert _probe("mismatch") == {"findings": 0}


def test_a_stage_that_is_no_cpu_work_starts_early_in_a_thread() -> None:
    assert _probe("thread") == {"forked": [], "notes": ["stage-rls_security"]}
    # asked for other files than it started with: it runs again, in the caller's thread
    assert _probe("thread-other-files") == {"forked": [], "notes": ["MainThread"]}


def test_small_changes_do_not_fork() -> None:
    assert _probe("small") == {"forked": []}
