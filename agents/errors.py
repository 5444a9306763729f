"""Typed errors, one hierarchy for the whole tool.

``ArchitectReviewError``
    ├── ``UsageError``        bad arguments or configuration  → exit 2
    ├── ``InputError``        a diff, ref or file that cannot be read → exit 2
    └── ``GitHubError``       the GitHub API failed in a way we cannot recover from → exit 3

Analysis problems inside one file (SQL that does not parse, TypeScript with
syntax errors) are *not* exceptions: they become low findings so the rest of the
review goes on.  ``pipeline.cli.main`` maps each class to its exit code and a
one-line message; no traceback reaches the user.
"""

from __future__ import annotations


class ArchitectReviewError(Exception):
    """Base of every error the tool reports to the user on one line."""

    exit_code = 2


class UsageError(ArchitectReviewError):
    """Bad command-line arguments or configuration file."""

    exit_code = 2


class InputError(ArchitectReviewError):
    """The change to review cannot be read: bad ref, missing or malformed diff, unreadable file."""

    exit_code = 2


class GitHubError(ArchitectReviewError):
    """GitHub could not be reached or refused us in a way retrying does not fix."""

    exit_code = 3
