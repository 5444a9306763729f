"""Shared pytest configuration: markers used across the suite."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "style: ruff and mypy over the repository (deselect with -m 'not style')"
    )
