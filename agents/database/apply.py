"""Apply migration files the way the Supabase CLI does, and record what failed where.

The CLI (SUPABASE-PLATFORM.md §8) sends ``RESET ALL``, then each file's
statements plus the insert of its version into
``supabase_migrations.schema_migrations`` as one implicit transaction, as the
non-superuser ``postgres``.  Statements that cannot run in a transaction
(``CREATE/DROP INDEX CONCURRENTLY``, ``REINDEX … CONCURRENTLY``, ``VACUUM``,
``ALTER SYSTEM``, ``CLUSTER``) are run alone after committing what came before
(CLI v2.109+: such a file is not atomic).  We do the same, one statement per
round trip so that a failure is pinned to its statement and PostgreSQL's error
position to a line of the file.

Two things differ from a plain replay, both to stand in for Supabase's
``supautils``: policy and trigger statements on ``auth``/``storage``/``realtime``
tables run under ``set role <owner>`` (supautils' policy_grants), and nothing
else gets owner rights there (``alter table storage.objects …`` fails, as on
Supabase).

While applying the PR's files the applier can also *measure* each statement
(:class:`LockMeasure`): the relation locks it took on tables that existed
before the PR (``pg_locks`` of our own backend), whether it rewrote one (its
``relfilenode`` changed) and whether it scanned one in full
(``pg_stat_get_xact_numscans`` grew: a NOT NULL/CHECK/FK validation, a
backfill).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import psycopg
from psycopg import sql

from agents.database.classify import Verdict, classify_failure
from agents.database.platform import PLATFORM_OWNERS
from agents.database.watchdog import Watchdog
from agents.sql.ast import qualname_of_rangevar
from agents.sql.parse import ParsedSql, Statement, parse_sql

MIGRATION_NAME = re.compile(r"^([0-9]+)_(.*)\.sql$")
"""The CLI's file-name pattern (``pkg/migration/list.go``); other files are skipped."""

LOCK_MODES = (
    "AccessShareLock",
    "RowShareLock",
    "RowExclusiveLock",
    "ShareUpdateExclusiveLock",
    "ShareLock",
    "ShareRowExclusiveLock",
    "ExclusiveLock",
    "AccessExclusiveLock",
)
"""PostgreSQL's table lock modes, weakest first."""

_NOT_MEASURED = frozenset(
    {
        "SelectStmt",
        "CreateFunctionStmt",
        "CreateSchemaStmt",
        "CreateExtensionStmt",
        "CommentStmt",
        "GrantStmt",
        "GrantRoleStmt",
        "CreateRoleStmt",
        "AlterRoleStmt",
        "VariableSetStmt",
        "TransactionStmt",
        "CompositeTypeStmt",
        "CreateEnumStmt",
        "DefineStmt",
        "CreateDomainStmt",
        "AlterDefaultPrivilegesStmt",
        "ViewStmt",
    }
)


def lock_label(mode: str) -> str:
    """``AccessExclusiveLock`` → ``ACCESS EXCLUSIVE``."""
    words = re.findall(r"[A-Z][a-z]+", mode.removesuffix("Lock"))
    return " ".join(w.upper() for w in words)


@dataclass(frozen=True)
class Migration:
    """One migration file as the CLI sees it."""

    path: str
    version: str
    name: str
    text: str
    pr: bool
    """True for a file the PR adds (applied after the base history)."""


def migration_from(path: str, text: str, *, pr: bool) -> Migration | None:
    """The migration for ``path``, or None when the CLI would skip its file name."""
    match = MIGRATION_NAME.match(path.rsplit("/", 1)[-1])
    if match is None:
        return None
    return Migration(path=path, version=match.group(1), name=match.group(2), text=text, pr=pr)


@dataclass(frozen=True)
class Failure:
    """A statement PostgreSQL rejected."""

    path: str
    line: int
    sqlstate: str
    message: str
    statement: str
    """The failing statement's first line (for the finding's evidence)."""
    verdict: Verdict
    reason: str | None = None
    """Why it could not be verified (verdict ``unverified``)."""
    detail: str | None = None
    hint: str | None = None


@dataclass(frozen=True)
class LockMeasure:
    """What one PR statement did to one table that existed before the PR."""

    path: str
    line: int
    end_line: int
    relation: str
    modes: tuple[str, ...]
    """Lock modes the statement newly took on the relation, strongest first."""
    held_before: str | None
    """The strongest mode the transaction already held on it (an earlier statement)."""
    rewritten: bool
    scanned: bool

    @property
    def strongest(self) -> str | None:
        modes = [*self.modes, *([self.held_before] if self.held_before else [])]
        return max(modes, key=LOCK_MODES.index) if modes else None

    def describe(self) -> str:
        """``ACCESS EXCLUSIVE on public.orders, table rewritten`` (the evidence line)."""
        if self.modes:
            lock = f"{lock_label(self.modes[0])} on {self.relation}"
        elif self.held_before:
            lock = f"{lock_label(self.held_before)} on {self.relation} (already held)"
        else:
            lock = f"no new lock on {self.relation}"
        if self.rewritten:
            lock += ", table rewritten"
        elif self.scanned:
            lock += ", every row scanned"
        else:
            lock += ", no rewrite, no full scan"
        return lock


@dataclass
class FileResult:
    """How one file went."""

    migration: Migration
    applied: bool
    failure: Failure | None = None
    statements: int = 0
    seconds: float = 0.0
    measures: list[LockMeasure] = field(default_factory=list)
    measured: list[tuple[int, int]] = field(default_factory=list)
    """(line, end_line) of every statement that ran measured (with or without a finding)."""


def _pipeline_incompatible(stmt: Statement) -> bool:
    node = stmt.node
    if stmt.kind in ("VacuumStmt", "AlterSystemStmt", "ClusterStmt"):
        return True
    if stmt.kind in ("IndexStmt", "DropStmt"):
        return bool(node.get("concurrent"))
    if stmt.kind == "ReindexStmt":
        return any(
            (p.get("DefElem") or {}).get("defname") == "concurrently"
            for p in node.get("params", [])
        )
    return False


def _platform_owner(stmt: Statement) -> str | None:
    """The owner role to ``set role`` to for policy/trigger DDL on a platform table."""
    node = stmt.node
    rel: dict[str, object] | None = None
    if stmt.kind in ("CreatePolicyStmt", "AlterPolicyStmt"):
        rel = node.get("table")
    elif stmt.kind == "CreateTrigStmt":
        rel = node.get("relation")
    elif stmt.kind == "DropStmt" and node.get("removeType") in ("OBJECT_POLICY", "OBJECT_TRIGGER"):
        objects = node.get("objects") or []
        names = (
            [
                (item.get("String") or {}).get("sval")
                for item in ((objects[0] or {}).get("List") or {}).get("items", [])
            ]
            if objects
            else []
        )
        return PLATFORM_OWNERS.get(str(names[0])) if len(names) == 3 else None
    if rel is None:
        return None
    schema, _ = qualname_of_rangevar(rel)
    return PLATFORM_OWNERS.get(schema)


class Applier:
    """Applies files on one connection (as ``postgres``) and measures PR statements."""

    def __init__(
        self,
        conn: psycopg.Connection[tuple[object, ...]],
        watchdog: Watchdog,
    ) -> None:
        self.conn = conn
        self.watchdog = watchdog
        self.tracked: dict[int, str] = {}
        """oid → name of the tables that existed before the PR (filled by :meth:`track_tables`)."""
        self.unverified_before: list[str] = []
        """Paths whose failure could not be verified: later failures may follow from them."""
        self.base_failed: list[str] = []
        conn.execute(
            "create schema if not exists supabase_migrations;"
            "create table if not exists supabase_migrations.schema_migrations "
            "(version text not null primary key, statements text[], name text)"
        )

    def track_tables(self) -> None:
        """Remember every table that exists now (call after the base history)."""
        rows = self.conn.execute(
            "select c.oid, pg_catalog.format('%I.%I', n.nspname, c.relname) "
            "from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace "
            "where c.relkind in ('r', 'p') and n.nspname not in "
            "('pg_catalog', 'information_schema', 'pg_toast', 'supabase_migrations')"
        ).fetchall()
        self.tracked = {int(str(oid)): str(name) for oid, name in rows}

    # -- one file ------------------------------------------------------------

    def apply(self, migration: Migration, *, measure: bool = False) -> FileResult:
        started = time.perf_counter()
        result = FileResult(migration=migration, applied=False)
        parsed = parse_sql(migration.path, migration.text)
        conn = self.conn
        conn.execute("reset all")
        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            conn.execute("rollback")
        conn.execute("begin")
        try:
            for stmt, text in self._units(parsed):
                result.statements += 1
                self._run(parsed, stmt, text, result, measure)
            conn.execute(
                "insert into supabase_migrations.schema_migrations (version, name) values (%s, %s)",
                (migration.version, migration.name),
            )
            conn.execute("commit")
            result.applied = True
        except _StatementFailed as failed:
            with _quiet():
                conn.execute("rollback")
            result.failure = failed.failure
            if failed.failure.verdict == "unverified":
                self.unverified_before.append(migration.path)
            if not migration.pr:
                self.base_failed.append(migration.path)
        result.seconds = time.perf_counter() - started
        return result

    def _units(self, parsed: ParsedSql) -> Iterator[tuple[Statement | None, str]]:
        if parsed.error is not None or not parsed.statements:
            # pglast could not split it: send the file whole, PostgreSQL reports the position
            yield None, parsed.text
            return
        for stmt in parsed.statements:
            yield stmt, parsed.statement_text(stmt)

    def _run(
        self,
        parsed: ParsedSql,
        stmt: Statement | None,
        text: str,
        result: FileResult,
        measure: bool,
    ) -> None:
        conn = self.conn
        solo = stmt is not None and _pipeline_incompatible(stmt)
        owner = _platform_owner(stmt) if stmt is not None else None
        measuring = (
            measure and stmt is not None and stmt.kind not in _NOT_MEASURED and bool(self.tracked)
        )
        before = self._snapshot() if measuring and not solo else None
        try:
            if solo:
                conn.execute("commit")
            if owner is not None:
                conn.execute(sql.SQL("set local role {}").format(sql.Identifier(owner)))
            with self.watchdog.statement():
                conn.execute(text.encode("utf-8"))
            if owner is not None:
                conn.execute("set local role postgres")
            if solo:
                conn.execute("begin")
        except psycopg.Error as exc:
            if self.watchdog.expired:
                raise
            raise _StatementFailed(
                self._failure(parsed, stmt, text, exc, result.migration, emulated=owner is not None)
            ) from exc
        if before is not None and stmt is not None:
            result.measures.extend(self._measure(parsed, stmt, before))
            result.measured.append((stmt.line, stmt.end_line))

    # -- failures ------------------------------------------------------------

    def _failure(
        self,
        parsed: ParsedSql,
        stmt: Statement | None,
        text: str,
        exc: psycopg.Error,
        migration: Migration,
        *,
        emulated: bool,
    ) -> Failure:
        diag = exc.diag
        start = stmt.start if stmt is not None else 0
        line = stmt.line if stmt is not None else 1
        pos = diag.statement_position
        if pos is not None and pos.isdigit() and int(pos) > 0:
            offset = len(text[: int(pos) - 1].encode("utf-8"))
            line = parsed.line_for(start + offset)
        message = (diag.message_primary or str(exc)).strip()
        sqlstate = diag.sqlstate or (exc.sqlstate or "")
        verdict, reason = classify_failure(
            sqlstate,
            message,
            stmt,
            emulated=emulated,
            earlier_unverified=[p for p in self.unverified_before if p != migration.path],
            base_failed=self.base_failed if migration.pr else [],
        )
        first = next((ln.strip() for ln in text.strip().splitlines() if ln.strip()), "")
        return Failure(
            path=migration.path,
            line=line,
            sqlstate=sqlstate,
            message=message,
            statement=first[:200],
            verdict=verdict,
            reason=reason,
            detail=diag.message_detail,
            hint=diag.message_hint,
        )

    # -- measurement ---------------------------------------------------------

    def _snapshot(self) -> tuple[dict[int, int], dict[int, tuple[int, int]]]:
        """(oid → strongest lock held, oid → (relfilenode, seq scans this transaction))."""
        oids = list(self.tracked)
        locks: dict[int, int] = {}
        for oid, mode in self.conn.execute(
            "select relation::oid::int8, mode from pg_catalog.pg_locks "
            "where pid = pg_catalog.pg_backend_pid() and locktype = 'relation' and granted "
            "and relation = any(%s::oid[])",
            (oids,),
        ).fetchall():
            idx = LOCK_MODES.index(str(mode)) if str(mode) in LOCK_MODES else -1
            key = int(str(oid))
            locks[key] = max(locks.get(key, -1), idx)
        files: dict[int, tuple[int, int]] = {}
        for oid, node, scans in self.conn.execute(
            "select c.oid::int8, c.relfilenode::int8, pg_catalog.pg_stat_get_xact_numscans(c.oid) "
            "from pg_catalog.pg_class c where c.oid = any(%s::oid[])",
            (oids,),
        ).fetchall():
            files[int(str(oid))] = (int(str(node)), int(str(scans)))
        return locks, files

    def _measure(
        self,
        parsed: ParsedSql,
        stmt: Statement,
        before: tuple[dict[int, int], dict[int, tuple[int, int]]],
    ) -> list[LockMeasure]:
        locks_before, files_before = before
        new_modes: dict[int, list[str]] = {}
        for oid, mode in self.conn.execute(
            "select relation::oid::int8, mode from pg_catalog.pg_locks "
            "where pid = pg_catalog.pg_backend_pid() and locktype = 'relation' and granted "
            "and relation = any(%s::oid[])",
            (list(self.tracked),),
        ).fetchall():
            key = int(str(oid))
            idx = LOCK_MODES.index(str(mode)) if str(mode) in LOCK_MODES else -1
            if idx > locks_before.get(key, -1):
                new_modes.setdefault(key, []).append(str(mode))
        _, files_after = self._snapshot()
        out: list[LockMeasure] = []
        for oid, name in self.tracked.items():
            fb, fa = files_before.get(oid), files_after.get(oid)
            rewritten = fb is not None and fa is not None and fa[0] != fb[0]
            scanned = fb is not None and fa is not None and fa[1] > fb[1]
            modes = sorted(new_modes.get(oid, []), key=LOCK_MODES.index, reverse=True)
            strongest_new = LOCK_MODES.index(modes[0]) if modes else -1
            held = locks_before.get(oid, -1)
            interesting = rewritten or scanned or max(strongest_new, -1) >= 3
            if not interesting:
                continue
            out.append(
                LockMeasure(
                    path=parsed.path,
                    line=stmt.line,
                    end_line=stmt.end_line,
                    relation=name,
                    modes=tuple(modes),
                    held_before=LOCK_MODES[held] if held >= 0 else None,
                    rewritten=rewritten,
                    scanned=scanned,
                )
            )
        return out


class _StatementFailed(Exception):
    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.message)
        self.failure = failure


class _quiet:
    """Suppress psycopg errors (rolling back an already broken connection)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return exc[0] is not None and isinstance(exc[1], psycopg.Error)


def existing_versions(conn: psycopg.Connection[tuple[object, ...]]) -> Mapping[str, str]:
    """version → name of what is recorded as applied."""
    rows = conn.execute(
        "select version, coalesce(name, '') from supabase_migrations.schema_migrations"
    ).fetchall()
    return {str(v): str(n) for v, n in rows}
