"""Shared pytest configuration: markers, the early start of ``mypy`` (tests/test_style.py)
and one throwaway PostgreSQL server for the whole suite."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from tests.style_tools import start_mypy

_MYPY = pytest.StashKey[subprocess.Popen[str]]()
_MYPY_TEST = "tests/test_style.py::test_mypy_strict"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "style: ruff and mypy over the repository (deselect with -m 'not style')"
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Start mypy now, beside the rest of the suite, when its test is selected."""
    if any(item.nodeid == _MYPY_TEST for item in items):
        config.stash[_MYPY] = start_mypy()


def pytest_unconfigure(config: pytest.Config) -> None:
    proc = config.stash.get(_MYPY, None)
    if proc is not None and proc.poll() is None:
        proc.kill()
        proc.communicate()


@pytest.fixture
def mypy_run(request: pytest.FixtureRequest) -> Iterator[subprocess.Popen[str]]:
    """The mypy process started at collection (started here when it was not)."""
    proc = request.config.stash.get(_MYPY, None)
    yield proc if proc is not None else start_mypy()


@pytest.fixture(scope="session", autouse=True)
def _shared_database_server() -> Iterator[None]:
    """One throwaway PostgreSQL for every review the suite runs (started on first use).

    Each review still gets fresh databases; see :mod:`agents.database.pool`.
    """
    from agents.database.pool import shared_server

    with shared_server():
        yield
