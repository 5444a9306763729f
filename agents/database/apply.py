"""Apply migration files the way the Supabase CLI does, and record what failed where.

The CLI (SUPABASE-PLATFORM.md §8) sends ``RESET ALL``, then each file's
statements plus the insert of its version into
``supabase_migrations.schema_migrations`` as one implicit transaction, as the
non-superuser ``postgres``.  Statements that cannot run in a transaction
(``CREATE/DROP INDEX CONCURRENTLY``, ``REINDEX … CONCURRENTLY``, ``VACUUM``,
``ALTER SYSTEM``, ``CLUSTER``) are run alone after committing what came before
(CLI v2.109+: such a file is not atomic).  We do the same.  Runs of ordinary
statements travel as one multi-statement query (one round trip instead of one
per statement; PostgreSQL applies ``statement_timeout`` to each); a statement
that is measured, runs alone or runs under a platform owner's role goes by
itself.  When a run fails (or is stopped), the file is rolled back and applied
again one statement per round trip, so that a failure is still pinned to its
statement and PostgreSQL's error position to a line of the file.

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

Why one module of about 700 lines: applying a statement and measuring it are one loop
(``Applier``): the supautils emulation, the lock/rewrite/scan measures and the failure
classification all wrap the same execution of each statement.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import cast

import psycopg
from psycopg import sql

from agents.database.classify import AFTER_A_MISSING_EXTENSION, Verdict, classify_failure
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

_TableState = tuple[int | None, int, tuple[str, ...]]
"""A tracked table as measured: (relfilenode, None once dropped; sequential scans in this
transaction; the lock modes our backend holds on it)."""

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
    skipped: list[Failure] = field(default_factory=list)
    """Statements left out so that the rest of the file applies: an extension the server
    lacks, and what failed only because it was missing (see :meth:`Applier.apply`)."""
    failed_stmt: Statement | None = field(default=None, repr=False)


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


def _lend_schemas(owner: str, trigger_function: str | None) -> sql.Composed:
    """Lend what a platform owner role lacks to run one policy/trigger statement.

    supautils runs a policy/trigger statement on a platform table as a superuser, so a
    policy naming ``private.some_fn()`` or a trigger calling ``public.on_signup()`` is
    created whatever their grants; the stand-in runs it as the table's owner role, which
    gets USAGE on the migration owner's schemas and EXECUTE on the trigger's function for
    the statement only.  What was lent is remembered (transaction-local settings) for
    :func:`_take_back`.
    """
    return sql.SQL(
        "do $lend$ declare s name; lent name[] := '{{}}'; fn regprocedure; begin "
        "for s in select nspname from pg_catalog.pg_namespace "
        "where nspowner = 'postgres'::regrole "
        "and not pg_catalog.has_schema_privilege({owner}, oid, 'USAGE') loop "
        "execute pg_catalog.format('grant usage on schema %I to %I', s, {owner}); "
        "lent := lent || s; "
        "end loop; perform pg_catalog.set_config('architect_review.lent', lent::text, true); "
        "fn := pg_catalog.to_regprocedure({function}); "
        "if fn is not null and not pg_catalog.has_function_privilege({owner}, fn, 'EXECUTE') "
        "and pg_catalog.pg_has_role((select proowner from pg_catalog.pg_proc "
        "where oid = fn), 'USAGE') then "
        "execute pg_catalog.format('grant execute on function %s to %I', fn, {owner}); "
        "perform pg_catalog.set_config('architect_review.lent_fn', fn::oid::text, true); "
        "else perform pg_catalog.set_config('architect_review.lent_fn', '', true); end if; "
        "end $lend$"
    ).format(owner=sql.Literal(owner), function=sql.Literal(trigger_function or ""))


def _take_back(owner: str) -> sql.Composed:
    """Revoke what :func:`_lend_schemas` lent, and nothing else."""
    return sql.SQL(
        "do $lend$ declare s name; fn text; begin "
        "foreach s in array coalesce(nullif(pg_catalog.current_setting("
        "'architect_review.lent', true), ''), '{{}}')::name[] loop "
        "execute pg_catalog.format('revoke usage on schema %I from %I', s, {owner}); "
        "end loop; "
        "fn := pg_catalog.current_setting('architect_review.lent_fn', true); "
        "if fn <> '' then execute pg_catalog.format('revoke execute on function %s from %I', "
        "fn::oid::regprocedure, {owner}); end if; "
        "end $lend$"
    ).format(owner=sql.Literal(owner))


def _trigger_function(stmt: Statement) -> str | None:
    """``schema.name()`` (or ``name()``, resolved on the search path) of a trigger's
    function, for :func:`_lend_schemas`."""
    if stmt.kind != "CreateTrigStmt":
        return None
    names = [
        str((item.get("String") or {}).get("sval", "")) for item in stmt.node.get("funcname") or []
    ]
    if not names or not all(names):
        return None
    return sql.Identifier(*names).as_string(None) + "()"


_MAX_SKIPPED = 25
"""Statements one file may leave out before it counts as failed."""


_FOREIGN_DATA = frozenset(
    {
        "CreateFdwStmt",
        "AlterFdwStmt",
        "CreateForeignServerStmt",
        "AlterForeignServerStmt",
        "CreateForeignTableStmt",
        "ImportForeignSchemaStmt",
        "CreateUserMappingStmt",
    }
)
"""Foreign-data statements: a foreign-data wrapper comes from an extension (``wrappers``,
``postgres_fdw``), and the review never lets PR SQL create one itself."""

_BUILDS_ON_EXTENSIONS = frozenset(
    {
        *_FOREIGN_DATA,
        "CreateFunctionStmt",
        "AlterFunctionStmt",
        "GrantStmt",
        "AlterOwnerStmt",
        "CommentStmt",
        "AlterExtensionStmt",
        "AlterExtensionContentsStmt",
        "DoStmt",
    }
)
"""Statements that only add to what an extension provides (its wrappers, servers, foreign
tables, functions calling it, grants and comments on its objects, a ``DO`` block setting
them up): when the extension was left out they fail on something undefined (or on a
privilege the extension's installation gives) and are left out too.  Tables, policies and
triggers are never left out: the review would judge a different schema."""


def _idle(conn: psycopg.Connection[tuple[object, ...]]) -> bool:
    """True when no transaction is open on the connection."""
    return conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE


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
        self.extensions_skipped: list[str] = []
        """Extensions a file asked for that the server lacks, left out (in order)."""
        self.base_seen = 0
        """Base-history files offered so far (0 when the PR brings a project's first ones)."""
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
        if not migration.pr:
            self.base_seen += 1
        parsed = parse_sql(migration.path, migration.text)
        units = list(self._units(parsed))
        skipped: list[Failure] = []
        while True:
            result = self._attempt(migration, parsed, units, measure, batched=True)
            if result is None:  # a batch failed or was stopped: again, one statement at a time
                result = self._attempt(migration, parsed, units, measure, batched=False)
            assert result is not None  # only a batch gives up
            stmt = result.failed_stmt
            if (
                result.failure is None
                or stmt is None
                or len(skipped) >= _MAX_SKIPPED
                or not self._skippable(stmt, result.failure)
            ):
                break
            # leave it out and apply the rest: one missing extension must not cost the
            # whole file (an init migration holds every table the review probes)
            skipped.append(result.failure)
            name = str(stmt.node.get("extname", "?"))
            if stmt.kind == "CreateExtensionStmt" and name not in self.extensions_skipped:
                self.extensions_skipped.append(name)
            units = [u for u in units if u[0] is not stmt]
        result.skipped = skipped
        if result.failure is not None:
            if result.failure.verdict == "unverified":
                self.unverified_before.append(migration.path)
            if not migration.pr:
                self.base_failed.append(migration.path)
        result.seconds = time.perf_counter() - started
        return result

    def _skippable(self, stmt: Statement, failure: Failure) -> bool:
        """An extension the server lacks, or (once one was left out) a statement of the
        kinds that build on an extension, failing on something undefined."""
        if stmt.kind == "CreateExtensionStmt":
            return failure.verdict == "unverified"
        if not self.extensions_skipped:
            return False
        if stmt.kind in _FOREIGN_DATA:
            return True  # wrappers, servers, foreign tables exist only through an extension
        return failure.sqlstate in AFTER_A_MISSING_EXTENSION and stmt.kind in _BUILDS_ON_EXTENSIONS

    def _attempt(
        self,
        migration: Migration,
        parsed: ParsedSql,
        units: list[tuple[Statement | None, str]],
        measure: bool,
        *,
        batched: bool,
    ) -> FileResult | None:
        """One try at the file in its own transaction; None when a batch failed (rolled
        back: the caller tries again without batches, to find the failing statement)."""
        result = FileResult(migration=migration, applied=False)
        conn = self.conn
        conn.execute("reset all")
        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            conn.execute("rollback")
        conn.execute("begin")
        pending: list[str] = []
        try:
            for stmt, text in units:
                result.statements += 1
                if batched and self._batchable(stmt, measure):
                    pending.append(text)
                    continue
                if pending and not self._run_batch(pending):
                    return None
                pending = []
                self._run(parsed, stmt, text, result, measure)
            if pending and not self._run_batch(pending):
                return None
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
            result.failed_stmt = failed.stmt
        return result

    def _batchable(self, stmt: Statement | None, measure: bool) -> bool:
        """Whether ``stmt`` may travel with its neighbours (see the module docstring)."""
        return (
            stmt is not None
            and stmt.kind != "TransactionStmt"
            and not _pipeline_incompatible(stmt)
            and _platform_owner(stmt) is None
            and not self._measuring(stmt, measure)
        )

    def _measuring(self, stmt: Statement | None, measure: bool) -> bool:
        return (
            measure and stmt is not None and stmt.kind not in _NOT_MEASURED and bool(self.tracked)
        )

    def _run_batch(self, texts: list[str]) -> bool:
        """Run ``texts`` as one query; False (transaction rolled back) when any failed."""
        try:
            with self.watchdog.statement():
                # the newline ends a line comment a statement's text may close with
                self.conn.execute("\n;\n".join(texts).encode("utf-8"))
        except psycopg.Error:
            if self.watchdog.expired:
                raise
            with _quiet():
                self.conn.execute("rollback")
            return False
        return True

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
        before = self._snapshot() if self._measuring(stmt, measure) and not solo else None
        # a file's own COMMIT leaves no transaction open, and SET LOCAL needs one: the
        # platform statement then gets its own, as it would in autocommit
        own_tx = owner is not None and not solo and _idle(conn)
        try:
            if solo:
                conn.execute("commit")
            if own_tx:
                conn.execute("begin")
            if owner is not None:
                conn.execute(
                    _lend_schemas(owner, _trigger_function(stmt) if stmt is not None else None)
                )
                conn.execute(sql.SQL("set local role {}").format(sql.Identifier(owner)))
            with self.watchdog.statement():
                conn.execute(text.encode("utf-8"))
            if owner is not None:
                conn.execute("set local role postgres")
                conn.execute(_take_back(owner))
            if solo:
                conn.execute("begin")
            if own_tx:
                conn.execute("commit")
        except psycopg.Error as exc:
            if self.watchdog.expired:
                raise
            raise _StatementFailed(
                self._failure(
                    parsed, stmt, text, exc, result.migration, emulated=owner is not None
                ),
                stmt,
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
            no_history=migration.pr and self.base_seen == 0,
            extensions_skipped=tuple(self.extensions_skipped),
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

    def _snapshot(self) -> dict[int, _TableState]:
        """oid → (relfilenode, seq scans this transaction, lock modes our backend holds) of
        every tracked table, in one round trip (relfilenode None: dropped by now)."""
        rows = self.conn.execute(
            "with held as (select relation, array_agg(mode::text) as modes "
            "from pg_catalog.pg_locks where pid = pg_catalog.pg_backend_pid() "
            "and locktype = 'relation' and granted group by relation) "
            "select t.oid::int8, c.relfilenode::int8, "
            "pg_catalog.pg_stat_get_xact_numscans(t.oid), coalesce(held.modes, '{}') "
            "from unnest(%s::oid[]) as t(oid) "
            "left join pg_catalog.pg_class c on c.oid = t.oid "
            "left join held on held.relation = t.oid",
            (list(self.tracked),),
        ).fetchall()
        out: dict[int, _TableState] = {}
        for oid, node, scans, modes in rows:
            held = tuple(str(m) for m in cast("list[object]", modes))
            out[int(str(oid))] = (None if node is None else int(str(node)), int(str(scans)), held)
        return out

    def _measure(
        self,
        parsed: ParsedSql,
        stmt: Statement,
        before: dict[int, _TableState],
    ) -> list[LockMeasure]:
        after = self._snapshot()
        out: list[LockMeasure] = []
        for oid, name in self.tracked.items():
            fb, fa = before.get(oid), after.get(oid)
            if fb is None or fa is None:
                continue
            exists = fb[0] is not None and fa[0] is not None
            rewritten = exists and fa[0] != fb[0]
            scanned = exists and fa[1] > fb[1]
            held = _strongest(fb[2])
            modes = sorted(
                {m for m in fa[2] if m in LOCK_MODES and LOCK_MODES.index(m) > held},
                key=LOCK_MODES.index,
                reverse=True,
            )
            strongest_new = LOCK_MODES.index(modes[0]) if modes else -1
            interesting = rewritten or scanned or strongest_new >= 3
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


def _strongest(modes: tuple[str, ...]) -> int:
    """Index in :data:`LOCK_MODES` of the strongest of ``modes`` (-1: none)."""
    return max((LOCK_MODES.index(m) for m in modes if m in LOCK_MODES), default=-1)


class _StatementFailed(Exception):
    def __init__(self, failure: Failure, stmt: Statement | None) -> None:
        super().__init__(failure.message)
        self.failure = failure
        self.stmt = stmt


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
