"""Typed errors, one hierarchy for the whole tool, and the exit codes they map to.

``ArchitectReviewError``
    ├── ``UsageError``        bad arguments or configuration  → exit 2
    ├── ``InputError``        a diff, ref or file that cannot be read → exit 2
    ├── ``ReviewAborted``     a stage cannot do what the configuration requires → exit 2
    └── ``GitHubError``       the GitHub API failed in a way we cannot recover from → exit 3

Analysis problems inside one file (SQL that does not parse, TypeScript with
syntax errors) are *not* exceptions: they become findings or notes so the rest
of the review goes on.  Both front ends (``pipeline.cli`` and
``pipeline.github.entry``) take every exit code from :class:`ExitCode`; each
error class carries its own, and ``main()`` prints one line, never a traceback.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Every exit code of ``architect-review``, in one place."""

    OK = 0
    """Review done (or nothing to review), nothing at or above ``--fail-on``."""
    FINDINGS = 1
    """A finding at or above ``--fail-on``."""
    USAGE = 2
    """Bad argument, configuration or input (unknown ref, unreadable diff…)."""
    GITHUB = 3
    """The GitHub API failed in a way retrying did not fix."""
    INTERNAL = 4
    """A bug: please report it (``ARCHITECT_REVIEW_DEBUG=1`` shows the traceback)."""
    INTERRUPTED = 130
    """Ctrl-C, as shells report SIGINT."""


class ArchitectReviewError(Exception):
    """Base of every error the tool reports to the user on one line."""

    exit_code: ExitCode = ExitCode.USAGE


class UsageError(ArchitectReviewError):
    """Bad command-line arguments or configuration file."""

    exit_code = ExitCode.USAGE


class InputError(ArchitectReviewError):
    """The change to review cannot be read: bad ref, missing or malformed diff, unreadable file."""

    exit_code = ExitCode.USAGE


class ReviewAborted(ArchitectReviewError):
    """A stage cannot do what the configuration makes a condition of the review.

    The one failure a stage raises on purpose (``database: required`` and no
    database could be started, say): the graph re-raises it instead of
    recording it as the stage's error, so the run fails with one line and exit 2
    rather than handing out a review the user said not to trust without it.
    """

    exit_code = ExitCode.USAGE


class GitHubError(ArchitectReviewError):
    """GitHub could not be reached or refused us in a way retrying does not fix."""

    exit_code = ExitCode.GITHUB
