"""Why the database stage could not run: typed errors, one line for the comment.

The stage never fails the review on its own: :class:`DatabaseUnavailable` is
caught by :func:`agents.database.stage.run_database_stage`, which then reports
"not run: <reason>" and the review goes on with the rules.  Only when the
configuration says ``database: required`` does the stage raise
:class:`DatabaseRequired`, the stage-independent
:class:`~agents.errors.ReviewAborted` that the graph lets through (exit 2).
"""

from __future__ import annotations

from agents.errors import ReviewAborted


class DatabaseUnavailable(Exception):
    """No server could be started or it died; ``str(exc)`` is the one-line reason."""


class DeadlineExceeded(DatabaseUnavailable):
    """The stage's total deadline passed; what was measured before it still counts."""


class DatabaseRequired(ReviewAborted):
    """``database: required`` and the stage did not run: the review fails (exit 2)."""
