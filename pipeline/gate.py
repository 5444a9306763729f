"""When a review fails the build: the ``fail_on`` threshold and the exit code it gives.

Both front ends (the CLI's ``--fail-on``, the Action's ``fail-on`` input and
the config file's ``fail_on``) take their choices from :data:`FAIL_ON_CHOICES`
and their decision from :func:`exit_code`, so the three spellings cannot drift.
This module imports nothing heavy: the CLI builds its ``--help`` from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, get_args

from agents.errors import ExitCode

if TYPE_CHECKING:
    from pipeline.report import Review

FailOn = Literal["critical", "high", "medium", "low", "never"]
"""The lowest severity that fails the build, or ``never``."""

FAIL_ON_CHOICES: tuple[FailOn, ...] = get_args(FailOn)


def exit_code(review: Review, fail_on: FailOn) -> ExitCode:
    """``FINDINGS`` when a finding at or above ``fail_on`` exists, else ``OK``."""
    return ExitCode.FINDINGS if review.fails(fail_on) else ExitCode.OK
