"""Stop PR SQL that runs too long: a per-statement limit and the stage's total deadline.

``statement_timeout`` is set on the server, but PR SQL can ``SET
statement_timeout = 0``; so a thread of ours watches the clock and cancels the
running statement (``cancel_safe``) when its own limit or the total deadline
passes, and kills the server when a cancel is not enough.  Nothing PR SQL does
can outlive the deadline by more than :data:`KILL_GRACE` seconds.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator

import psycopg

KILL_GRACE = 2.0
"""Seconds after a cancel before the server is killed."""
TICK = 0.05


class Watchdog:
    """Started with :meth:`watch`; statements are wrapped in :meth:`statement`."""

    def __init__(
        self,
        deadline: float,
        statement_seconds: float,
        kill: Callable[[], None],
    ) -> None:
        self.deadline = deadline
        """``time.monotonic()`` value after which everything stops."""
        self.statement_seconds = statement_seconds
        self._kill = kill
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None
        self._started: float | None = None
        self._cancelled_at: float | None = None
        self._stop = threading.Event()
        self.expired = False
        """True once the total deadline has passed (the stage reports it)."""
        self.cancelled_statements = 0

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    @contextlib.contextmanager
    def watch(self, conn: psycopg.Connection[tuple[object, ...]]) -> Iterator[Watchdog]:
        self._conn = conn
        thread = threading.Thread(
            target=self._loop, name="architect-review-db-watchdog", daemon=True
        )
        thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            thread.join(1.0)

    @contextlib.contextmanager
    def statement(self) -> Iterator[None]:
        if self.remaining() <= 0:
            self.expired = True
            raise psycopg.errors.QueryCanceled("the database stage's deadline passed")
        self._started = time.monotonic()
        self._cancelled_at = None
        try:
            yield
        finally:
            self._started = None

    def _loop(self) -> None:
        while not self._stop.wait(TICK):
            started, now = self._started, time.monotonic()
            if now >= self.deadline:
                self.expired = True
            if started is None:
                continue
            over = now >= self.deadline or now - started >= self.statement_seconds
            if over and self._cancelled_at is None and self._conn is not None:
                self._cancelled_at = now
                self.cancelled_statements += 1
                with contextlib.suppress(Exception):
                    self._conn.cancel_safe(timeout=1.0)
            elif self._cancelled_at is not None and now - self._cancelled_at >= KILL_GRACE:
                self.expired = True
                self._kill()
                return
