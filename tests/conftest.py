"""Shared pytest configuration: markers used across the suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "style: ruff and mypy over the repository (deselect with -m 'not style')"
    )


@pytest.fixture(scope="session", autouse=True)
def _shared_database_server() -> Iterator[None]:
    """One throwaway PostgreSQL for every review the suite runs (started on first use).

    Each review still gets fresh databases; see :mod:`agents.database.pool`.
    """
    from agents.database.pool import shared_server

    with shared_server():
        yield
