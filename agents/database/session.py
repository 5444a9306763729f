"""Statements of the probe stage on one connection, each under the stage's watchdog.

:meth:`Session.attempt` runs a statement inside a savepoint, so that a
rejected insert or a refused probe leaves the surrounding transaction usable;
:meth:`Session.query` runs one plainly.  Both pass the statement through the
watchdog, which cancels it at the statement limit or the stage's deadline.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql

from agents.database.watchdog import Watchdog

Conn = psycopg.Connection[tuple[object, ...]]
Query = sql.Composable | str


def _sendable(query: Query) -> Any:
    """What ``Connection.execute`` takes: composed SQL as is, plain text as bytes."""
    return query.encode() if isinstance(query, str) else query


class Session:
    def __init__(self, conn: Conn, watchdog: Watchdog) -> None:
        self.conn = conn
        self.watchdog = watchdog
        self.statements = 0

    def text(self, query: Query) -> str:
        """The statement as SQL text (for proofs)."""
        return query if isinstance(query, str) else query.as_string(self.conn)

    def query(self, query: Query, params: Any = None) -> list[tuple[Any, ...]]:
        self.statements += 1
        with self.watchdog.statement():
            cur = self.conn.execute(_sendable(query), params)
            return cur.fetchall() if cur.description is not None else []

    def execute(self, query: Query, params: Any = None) -> int:
        """Run a statement; the number of rows it affected."""
        self.statements += 1
        with self.watchdog.statement():
            cur = self.conn.execute(_sendable(query), params)
            return cur.rowcount

    def attempt(self, query: Query, params: Any = None) -> list[tuple[Any, ...]]:
        """Like :meth:`query` inside a savepoint: on an error the transaction goes on.

        Without parameters the savepoint, the statement and the release travel in one
        round trip (the simple query protocol takes several statements): seeding a large
        schema is mostly round trips.
        """
        if params is None:
            return self._attempt_at_once(query)
        self.query("savepoint probe_attempt")
        try:
            rows = self.query(query, params)
        except psycopg.Error:
            if self.watchdog.expired:
                raise
            self.query("rollback to savepoint probe_attempt")
            raise
        self.query("release savepoint probe_attempt")
        return rows

    def _attempt_at_once(self, query: Query) -> list[tuple[Any, ...]]:
        text = self.text(query)
        script = f"savepoint probe_attempt; {text}; release savepoint probe_attempt"
        self.statements += 1
        try:
            with self.watchdog.statement():
                cur = self.conn.execute(script.encode())
                rows: list[tuple[Any, ...]] = []
                while True:
                    if cur.description is not None:
                        rows = cur.fetchall()
                    if not cur.nextset():
                        break
                return rows
        except psycopg.Error:
            if self.watchdog.expired:
                raise
            self.query("rollback to savepoint probe_attempt")
            raise
