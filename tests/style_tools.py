"""Where the style tools are, for ``tests/test_style.py`` and the early mypy start in conftest."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def tool(name: str) -> list[str]:
    """Run the tool from this interpreter's environment (works without an activated venv)."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return [str(beside)]
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[dev]'")
    return [found]


def start_mypy() -> subprocess.Popen[str]:
    """``mypy`` (strict, per pyproject) in the background; the caller waits for it."""
    return subprocess.Popen(
        tool("mypy"), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
