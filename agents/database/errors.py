"""Why the database stage could not run: one typed error, one line for the comment.

The stage never fails the review: :class:`DatabaseUnavailable` is caught by
:func:`agents.database.stage.run_database_stage`, which then reports
"rules only: <reason>" (or fails the run when the config says
``database: required``).
"""

from __future__ import annotations

from agents.errors import ArchitectReviewError


class DatabaseUnavailable(Exception):
    """No server could be started or it died; ``str(exc)`` is the one-line reason."""


class DeadlineExceeded(DatabaseUnavailable):
    """The stage's total deadline passed; what was measured before it still counts."""


class DatabaseRequired(ArchitectReviewError):
    """``database: required`` and the stage did not run: the review fails (exit 2)."""

    exit_code = 2
