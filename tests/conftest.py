"""Shared pytest configuration: markers, the early start of ``mypy`` (tests/test_style.py)
and one throwaway PostgreSQL server for the whole suite."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from tests.style_tools import MypyRun

_MYPY = pytest.StashKey[MypyRun]()
_MYPY_TEST = "tests/test_style.py::test_mypy_strict"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "style: ruff and mypy over the repository (deselect with -m 'not style')"
    )


def _session_id(config: pytest.Config) -> str:
    """The same in every xdist worker of one run; unique per run."""
    worker = getattr(config, "workerinput", None)
    if worker is not None:
        return str(worker["testrunuid"])
    return f"{os.getpid()}-{uuid.uuid4().hex[:8]}"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Start mypy now, beside the rest of the suite, when its test is selected (once per
    run, whichever xdist worker collects first)."""
    if any(item.nodeid == _MYPY_TEST for item in items):
        config.stash[_MYPY] = MypyRun.claim(_session_id(config))


def pytest_unconfigure(config: pytest.Config) -> None:
    run = config.stash.get(_MYPY, None)
    if run is not None:
        run.finish()


@pytest.fixture
def mypy_run(request: pytest.FixtureRequest) -> MypyRun:
    """The session's mypy run (started here when collection did not)."""
    run = request.config.stash.get(_MYPY, None)
    if run is None:
        run = MypyRun.claim(_session_id(request.config))
        request.config.stash[_MYPY] = run
    return run


@pytest.fixture(scope="session", autouse=True)
def _shared_database_server() -> Iterator[None]:
    """One throwaway PostgreSQL for every review the suite runs (started on first use).

    Each review still gets fresh databases; see :mod:`agents.database.pool`.
    """
    from agents.database.pool import shared_server

    with shared_server():
        yield
