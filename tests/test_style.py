"""Lint and type checks as part of the test suite, so one command covers them.

Marked ``style``: deselect locally with ``pytest -m "not style"`` while
iterating; CI and ``.ci/run`` run them.

``mypy --strict`` from a cold cache is the slowest check of the suite (most of
it reading typeshed), so ``tests/conftest.py`` starts it in a subprocess as
soon as the session knows this test is selected; it runs beside the rest of
the suite (the machine has more than one core) and :func:`test_mypy_strict`
only waits for it.  The check itself is unchanged.
"""

from __future__ import annotations

import subprocess

import pytest

from tests.style_tools import ROOT, MypyRun, tool

pytestmark = pytest.mark.style


def test_ruff_check() -> None:
    proc = subprocess.run(
        [*tool("ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict(mypy_run: MypyRun) -> None:
    code, out = mypy_run.result()
    assert code == 0, out
