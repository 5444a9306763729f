"""Where the style tools are, for ``tests/test_style.py`` and the early mypy start in conftest."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import tempfile
import time
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


class MypyRun:
    """One ``mypy`` run shared by every pytest process of the session.

    Under pytest-xdist each worker collects the whole suite; the first to claim the
    session's folder starts mypy there (output in ``out``, exit code in ``rc``, written
    last), the others only wait for those files.  Without xdist it is the same, with
    one process.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    @classmethod
    def claim(cls, session_id: str) -> MypyRun:
        """Start mypy unless another process of this session already did."""
        run = cls(Path(tempfile.gettempdir()) / f"architect-review-mypy-{session_id}")
        try:
            run.folder.mkdir()
        except FileExistsError:
            return run
        mypy = " ".join(shlex.quote(part) for part in tool("mypy"))
        out, rc = shlex.quote(str(run.folder / "out")), shlex.quote(str(run.folder / "rc"))
        run.process = subprocess.Popen(
            ["sh", "-c", f"{mypy} > {out} 2>&1; echo $? > {rc}.tmp; mv {rc}.tmp {rc}"],
            cwd=ROOT,
        )
        return run

    def result(self, timeout: float = 600.0) -> tuple[int, str]:
        """(exit code, output), waiting for the run to end."""
        rc = self.folder / "rc"
        deadline = time.monotonic() + timeout
        while not rc.exists():
            if time.monotonic() > deadline:
                pytest.fail(f"mypy did not finish within {timeout:.0f} s")
            time.sleep(0.1)
        code = int(rc.read_text().strip() or "1")
        output = (self.folder / "out").read_text(errors="replace")
        shutil.rmtree(self.folder, ignore_errors=True)  # the one reader: the test
        return code, output

    def finish(self) -> None:
        """The starting process waits for its mypy: the test reading it may run in
        another worker, which must not find it killed."""
        if self.process is not None:
            self.process.wait()
