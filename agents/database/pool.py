"""One throwaway server shared by every stage run in this process (tests and benchmarks).

A review starts its own server and stops it afterwards (:mod:`agents.database.stage`);
that costs about a second, which is nothing for one review and most of the time of a
test suite that runs a hundred small reviews.  :func:`shared_server` installs a
:class:`SharedServer` for the duration of a ``with`` block: while it is installed,
:func:`agents.database.stage.run_database_stage` borrows its server, creates its project
databases under fresh names, and drops them afterwards instead of stopping the server.

Isolation is what a review needs, not more: each run gets new databases, and a run that
changes cluster-wide state (a PR creating a role, ``alter role … set``, role
memberships) or kills the server at its deadline makes the next run start a fresh
server.  Never used by the Action or the CLI.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import psycopg
from psycopg import sql

from agents.database.extensions import extension_files
from agents.database.platform import lay_cluster
from agents.database.server import BOOTSTRAP_USER, Binaries, Server, find_binaries

_CLUSTER_STATE = (
    "select md5(coalesce(string_agg(x, '|' order by x), '')) from ("
    " select rolname || rolsuper::text || rolcreaterole::text || rolbypassrls::text"
    "  || rolcanlogin::text || rolinherit::text as x from pg_catalog.pg_roles"
    " union all select roleid::regrole::text || '>' || member::regrole::text"
    "  || admin_option::text from pg_catalog.pg_auth_members"
    " union all select setrole::text || coalesce(setconfig::text, '')"
    "  from pg_catalog.pg_db_role_setting where setdatabase = 0"
    ") s"
)
"""A digest of the cluster-wide state PR SQL can change (roles, memberships, role settings)."""


class SharedServer:
    """A lazily started server, restarted when a run killed it or changed the cluster."""

    def __init__(self, binaries: Binaries | None = None) -> None:
        self._binaries = binaries
        self._server: Server | None = None
        self._state: str | None = None
        self._names = itertools.count()
        self._lock = threading.Lock()
        # The server is started with a parent-death signal (``setpriv --pdeathsig``), which
        # Linux sends when the *thread* that started it ends: a server started from a
        # review's stage thread would die with that thread.  This one thread lives as long
        # as the pool and starts every server.
        self._starter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shared-pg")

    def acquire(self) -> Server:
        """The running server (started, with the cluster roles laid, on first use)."""
        with self._lock:
            if self._server is not None and not self._server.alive:
                self._server.stop()
                self._server = None
            if self._server is None:
                binaries = self._binaries or find_binaries()
                server = self._starter.submit(
                    Server.start, binaries, {}, extension_files(binaries)
                ).result()
                try:
                    lay_cluster(server)
                    self._state = self._cluster_state(server)
                except BaseException:
                    server.stop()
                    raise
                self._server = server
            return self._server

    def database_name(self) -> str:
        """A database name no earlier run used."""
        return f"shared_{next(self._names)}"

    def release(self, server: Server, databases: list[str]) -> None:
        """Drop the run's databases; discard the server if the run changed the cluster."""
        with self._lock:
            if server is not self._server:
                server.stop()
                return
            try:
                with server.connect(BOOTSTRAP_USER, "postgres") as conn:
                    for name in databases:
                        conn.execute(
                            sql.SQL("drop database if exists {} with (force)").format(
                                sql.Identifier(name)
                            )
                        )
                unchanged = self._cluster_state(server) == self._state
            except psycopg.Error:
                unchanged = False
            if not unchanged:
                server.stop()
                self._server = None

    def close(self) -> None:
        with self._lock:
            if self._server is not None:
                self._server.stop()
                self._server = None
        self._starter.shutdown(wait=True)

    @staticmethod
    def _cluster_state(server: Server) -> str:
        with server.connect(BOOTSTRAP_USER, "postgres") as conn:
            row = conn.execute(_CLUSTER_STATE).fetchone()
        return str(row[0]) if row else ""


_current: SharedServer | None = None


def current() -> SharedServer | None:
    """The installed shared server, if any."""
    return _current


@contextlib.contextmanager
def shared_server(binaries: Binaries | None = None) -> Iterator[SharedServer]:
    """Install a shared server for the block; stopped and removed at its end."""
    global _current
    previous = _current
    pool = SharedServer(binaries)
    _current = pool
    try:
        yield pool
    finally:
        _current = previous
        pool.close()
