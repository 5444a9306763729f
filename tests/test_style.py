"""Lint and type checks as part of the test suite, so one command covers them.

Marked ``style``: deselect locally with ``pytest -m "not style"`` while
iterating; CI and ``.ci/run`` run them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.style


def _tool(name: str) -> list[str]:
    """Run the tool from this interpreter's environment (works without an activated venv)."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return [str(beside)]
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[dev]'")
    return [found]


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_check() -> None:
    proc = _run([*_tool("ruff"), "check", "."])
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict() -> None:
    proc = _run([*_tool("mypy")])
    assert proc.returncode == 0, proc.stdout + proc.stderr
