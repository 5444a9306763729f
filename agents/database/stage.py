"""The database stage: apply the history and the PR to a real PostgreSQL and report.

:func:`run_database_stage` is the one entry point.  For every Supabase project
whose migrations the PR touches it creates a throwaway database on one
throwaway server, lays Supabase's platform (:mod:`agents.database.platform`),
applies the base side's migrations, then the PR's new ones (measuring locks,
rewrites and scans per statement, :mod:`agents.database.apply`), and reads the
effective privileges of the API roles on what the PR created or changed
(:mod:`agents.database.privileges`).  It never raises: a missing server, a
start failure or the deadline turn into ``DatabaseOutcome.status`` and one
line saying why, and the review goes on with the rules.

Why one module of about 500 lines: it is the stage's orchestration (which projects,
which migrations, under which grant regime, which notes); applying, seeding, probing and
judging live in their own modules.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import psycopg
from psycopg import sql

from agents.changes import ChangedFile, FileStatus, Workspace
from agents.database import pool as shared
from agents.database import scope as probe_scope
from agents.database.apply import (
    Applier,
    Failure,
    FileResult,
    LockMeasure,
    Migration,
    migration_from,
)
from agents.database.errors import DatabaseUnavailable
from agents.database.extensions import extension_files
from agents.database.findings import failure_finding
from agents.database.platform import create_project_database, lay_cluster
from agents.database.pool import SharedServer
from agents.database.privileges import PrivilegeFact, facts, snapshot
from agents.database.probe import ProbeReport, run_probe
from agents.database.regime import SWITCH_SQL, Regime, read_api_settings, regime_for
from agents.database.server import BOOTSTRAP_USER, Server, find_binaries
from agents.database.session import Session
from agents.database.settings import NO_HISTORY, DatabaseSettings
from agents.database.watchdog import Watchdog
from agents.findings import Finding
from agents.projects import SupabaseProject
from agents.sql.ast import qualname_of_rangevar
from agents.sql.parse import parse_sql, walk

Status = Literal["ran", "skipped", "unavailable", "deadline"]


@dataclass
class ProjectRun:
    """What happened in one project's database."""

    project: str
    base_total: int = 0
    base_applied: int = 0
    pr_total: int = 0
    pr_applied: int = 0
    results: list[FileResult] = field(default_factory=list)


@dataclass
class DatabaseOutcome:
    """Everything the stage hands back to the graph."""

    status: Status = "skipped"
    reason: str = ""
    """One line: why skipped/unavailable, or what ran (``PostgreSQL 18 (wheel)``)."""
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)
    """"Could not verify" items, one line each (also DB002 findings)."""
    measures: list[LockMeasure] = field(default_factory=list)
    privileges: list[PrivilegeFact] = field(default_factory=list)
    measured: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    """path → (line, end_line) of the PR statements that ran measured."""
    anchors: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    """(schema, name) → (path, line) of the PR statement that created or changed it."""
    projects: list[ProjectRun] = field(default_factory=list)
    probes: list[ProbeReport] = field(default_factory=list)
    """The two-user probe, one report per project."""
    seconds: float = 0.0

    @property
    def probe_findings(self) -> list[Finding]:
        """Proven leaks on what the PR touched (the architect merges them with rule findings)."""
        return [f for p in self.probes for f in p.findings]

    @property
    def existing_risks(self) -> list[Finding]:
        """Proven leaks on objects the PR did not touch: reported apart, never in the verdict."""
        return [f for p in self.probes for f in p.existing_risks]

    def probe_line(self) -> str | None:
        """The coverage table's "probe" row text (None when the probe was not part of it)."""
        if not self.probes:
            return None
        if len(self.probes) == 1:
            return self.probes[0].coverage_line()
        return " · ".join(f"{p.project}: {p.coverage_line()}" for p in self.probes)

    def probe_notes(self) -> list[str]:
        out: list[str] = []
        for p in self.probes:
            out.extend(f"not probed: {name} ({why})" for name, why in p.not_probed.items())
            out.extend(p.notes)
        return out

    @property
    def applied(self) -> int:
        return sum(p.base_applied + p.pr_applied for p in self.projects)

    @property
    def total(self) -> int:
        return sum(p.base_total + p.pr_total for p in self.projects)

    def coverage_lines(self) -> list[str]:
        """What the stage's coverage row says: the database line, then the probe's."""
        probe = self.probe_line()
        return [self.coverage_line(), *([f"probe: {probe}"] if probe is not None else [])]

    def coverage_line(self) -> str:
        """The coverage table's "database" row text."""
        if self.status in ("skipped", "unavailable"):
            return f"not run: {self.reason}"
        pr_applied = sum(p.pr_applied for p in self.projects)
        pr_total = sum(p.pr_total for p in self.projects)
        text = (
            f"applied {self.applied} of {self.total} migrations ({pr_applied} of {pr_total} "
            f"from this PR) on {self.reason} in {self.seconds:.1f} s"
        )
        if self.status == "deadline":
            text += "; stopped at the deadline"
        return text


def _touched_projects(workspace: Workspace, files: Sequence[ChangedFile]) -> list[SupabaseProject]:
    """Projects whose migration folders ``files`` add to or change, in the files' order."""
    out: list[SupabaseProject] = []
    for f in files:
        project = workspace.project_for(f.path)
        if project is None or not project.is_migration(f.path) or f.status is FileStatus.DELETED:
            continue
        if project not in out:
            out.append(project)
    return out


def _migrations(
    workspace: Workspace, project: SupabaseProject
) -> tuple[list[Migration], list[Migration], list[str]]:
    """(base history, the PR's new files, notes) in the CLI's order (file name)."""
    notes: list[str] = []
    base_paths = project.migrations_in(
        p for d in project.migration_dirs for p in workspace.base.list_files(d + "/")
    )
    # head = base history + what the PR adds (the head tree is never listed: on the GitHub
    # API that is a request per folder, and the PR's files are all in the diff)
    gone = {f.old_path or f.path for f in workspace.files if f.status is not FileStatus.MODIFIED}
    head_paths = project.migrations_in(
        {
            *(p for p in base_paths if p not in gone),
            *(f.path for f in workspace.files if f.status is not FileStatus.DELETED),
        }
    )
    base: list[Migration] = []
    for path in base_paths:
        text = workspace.base.read_text(path)
        mig = migration_from(path, text or "", pr=False)
        if mig is not None and text is not None:
            base.append(mig)
    base_names = {p.rsplit("/", 1)[-1] for p in base_paths}
    newest = max((m.version for m in base), default="")
    pr: list[Migration] = []
    for path in head_paths:
        name = path.rsplit("/", 1)[-1]
        changed = workspace.file(path)
        if name in base_names:
            if changed is not None and changed.status is FileStatus.MODIFIED:
                notes.append(
                    f"{path} edits a migration of the base history: `supabase db push` does not "
                    "re-run applied migrations, so the edit never reaches deployed databases"
                )
            continue
        # the PR's own text when the diff holds it whole (no tree read: GitHub API calls)
        text = (
            changed.head_text
            if changed is not None and changed.head_complete
            else workspace.head.read_text(path)
        )
        mig = migration_from(path, text or "", pr=True)
        if mig is None:
            notes.append(f"{path} does not match <version>_<name>.sql: the CLI skips it")
            continue
        if text is None:
            continue
        if mig.version < newest and len(mig.version) == len(newest):
            notes.append(
                f"{path} is older than the newest applied migration ({newest}): "
                "`supabase db push` refuses it unless run with --include-all"
            )
        pr.append(mig)
    return base, pr, notes


_IDENT = re.compile(r'"((?:[^"]|"")*)"|([^.]+)')


def _split_name(name: str) -> tuple[str, str]:
    parts = [
        (m.group(1) or "").replace('""', '"') if m.group(1) is not None else m.group(2)
        for m in _IDENT.finditer(name.split("(")[0])
    ]
    return (parts[0], parts[1]) if len(parts) >= 2 else ("public", parts[0] if parts else name)


def _anchors(migrations: list[Migration]) -> dict[tuple[str, str], tuple[str, int]]:
    """Where the PR creates (first) or else last changes each relation."""
    created: dict[tuple[str, str], tuple[str, int]] = {}
    changed: dict[tuple[str, str], tuple[str, int]] = {}
    for mig in migrations:
        parsed = parse_sql(mig.path, mig.text)
        for stmt in parsed.statements:
            node = stmt.node
            if stmt.kind == "CreateStmt":
                created.setdefault(
                    qualname_of_rangevar(node.get("relation")), (mig.path, stmt.line)
                )
            elif stmt.kind == "ViewStmt":
                created.setdefault(qualname_of_rangevar(node.get("view")), (mig.path, stmt.line))
            elif stmt.kind == "CreateTableAsStmt":
                rel = (node.get("into") or {}).get("rel")
                created.setdefault(qualname_of_rangevar(rel), (mig.path, stmt.line))
            elif stmt.kind in ("AlterTableStmt", "CreatePolicyStmt", "GrantStmt"):
                for kind, sub in walk(node):
                    if kind == "RangeVar":
                        changed[qualname_of_rangevar(sub)] = (mig.path, stmt.line)
    return {**changed, **created}


def _switch_regime(conn: psycopg.Connection[tuple[object, ...]], regime: Regime) -> None:
    for statement in SWITCH_SQL[regime]:
        conn.execute(statement.encode())


def _run_project(
    server: Server,
    workspace: Workspace,
    project: SupabaseProject,
    index: int,
    settings: DatabaseSettings,
    watchdog: Watchdog,
    outcome: DatabaseOutcome,
    pool: SharedServer | None = None,
    databases: list[str] | None = None,
    *,
    copies: bool = False,
) -> None:
    databases = databases if databases is not None else []
    run = ProjectRun(project=project.label)
    outcome.projects.append(run)
    base, pr, notes = _migrations(workspace, project)
    outcome.notes.extend(notes)
    run.base_total, run.pr_total = len(base), len(pr)
    config = workspace.file(project.config_path)
    config_text = (
        (config.head_text if config.head_complete else workspace.head.read_text(config.path))
        if config is not None
        else workspace.base.read_text(project.config_path)  # unchanged: base = head
    )
    api, note = read_api_settings(config_text)
    if note:
        outcome.notes.append(f"{project.config_path}: {note}")
    dbname = f"project_{index}" if pool is None else pool.database_name()
    create_project_database(server, dbname, from_template=copies)
    databases.append(dbname)
    if pool is not None:
        # a shared server was started without the review's limits: set them per database
        timeout_ms = int(settings.statement_timeout * 1000)
        with server.connect(BOOTSTRAP_USER, "postgres") as admin:
            for name in ("statement_timeout", "lock_timeout"):
                admin.execute(
                    sql.SQL("alter database {} set {} = {}").format(
                        sql.Identifier(dbname), sql.Identifier(name), sql.Literal(f"{timeout_ms}ms")
                    )
                )
    with server.connect("postgres", dbname) as conn, watchdog.watch(conn):
        applier = Applier(conn, watchdog)
        regime: Regime = "legacy"
        for mig in base:
            wanted = regime_for(mig.version, api, settings.grant_regime)
            if wanted != regime:
                _switch_regime(conn, wanted)
                regime = wanted
            result = applier.apply(mig)
            run.results.append(result)
            if result.skipped and result.applied:
                outcome.notes.append(_skipped_note(mig.path, result.skipped))
            if result.applied:
                run.base_applied += 1
            elif result.failure is not None:
                f = result.failure
                outcome.notes.append(
                    f"base migration {mig.path} did not apply (line {f.line}: {f.sqlstate} "
                    f"{f.message}); the review went on with what applied"
                )
        applier.track_tables()
        before = snapshot(conn, api.schemas)
        before_probe = probe_scope.take(conn) if settings.probe else None
        unverified_paths: list[str] = []

        def could_not_verify(failure: Failure, *, left_out: bool) -> None:
            # one "could not verify" per project: what fails after the first one mostly
            # follows from it, and a finding per later file is noise
            if not unverified_paths:
                outcome.findings.append(failure_finding(failure, left_out=left_out))
            if failure.path not in unverified_paths:
                unverified_paths.append(failure.path)
            outcome.unverified.append(f"{failure.path}:{failure.line}: {failure.reason}")

        for mig in pr:
            wanted = regime_for(mig.version, api, settings.grant_regime)
            if wanted != regime:
                _switch_regime(conn, wanted)
                regime = wanted
            result = applier.apply(mig, measure=True)
            run.results.append(result)
            outcome.measures.extend(result.measures)
            outcome.measured.setdefault(mig.path, []).extend(result.measured)
            for skipped in result.skipped:
                could_not_verify(skipped, left_out=True)
            if result.applied:
                run.pr_applied += 1
                continue
            failure = result.failure
            if failure is None:
                continue
            if failure.verdict == "unverified":
                could_not_verify(failure, left_out=False)
            else:
                outcome.findings.append(failure_finding(failure))
                rest = pr[pr.index(mig) + 1 :]
                if rest:
                    outcome.notes.append(
                        f"{len(rest)} later migration(s) of this PR were not applied: "
                        f"`supabase db push` stops at the first failure ({mig.path})"
                    )
                break
        if len(unverified_paths) > 1:
            outcome.notes.append(
                f"{len(unverified_paths) - 1} later migration(s) of this PR could not be "
                f"verified either after {unverified_paths[0]} (reported once)"
            )
        after = snapshot(conn, api.schemas)
        outcome.privileges.extend(facts(conn, before, after))
        outcome.anchors.update(_anchors(pr))
        if before_probe is None:
            return
        if run.pr_applied < run.pr_total:
            outcome.probes.append(
                ProbeReport(reason="a migration of this PR did not apply", project=run.project)
            )
            return
        scope = probe_scope.diff(before_probe, probe_scope.take(conn))
        gone = {
            f.old_path or f.path for f in workspace.files if f.status is not FileStatus.MODIFIED
        }
        head = probe_scope.head_index([m for m in base if m.path not in gone] + pr)
        try:
            report = run_probe(conn, Session(conn, watchdog), api.schemas, scope, head)
        except psycopg.Error as exc:
            if watchdog.expired:
                raise
            # a probe that breaks must not take the applied migrations' findings with it
            conn.execute("rollback")
            message = " ".join((exc.diag.message_primary or str(exc)).split())
            report = ProbeReport(reason=f"the probe failed: {message}")
        report.project = run.project
        outcome.probes.append(report)


def run_database_stage(
    workspace: Workspace,
    settings: DatabaseSettings | None = None,
    files: Sequence[ChangedFile] | None = None,
) -> DatabaseOutcome:
    """Apply and measure every project whose migrations ``files`` (default: every changed
    file) touch; never raises (see the module docstring)."""
    if settings is None:
        settings = DatabaseSettings.model_validate(workspace.settings.get("database") or {})
    started = time.monotonic()
    outcome = DatabaseOutcome()
    if settings.mode == "off":
        outcome.reason = "database: off"
        return outcome
    if not workspace.has_repo:
        outcome.reason = NO_HISTORY
        return outcome
    projects = _touched_projects(workspace, workspace.files if files is None else files)
    if not projects:
        outcome.reason = "no migration changed"
        return outcome
    server: Server | None = None
    watchdog = Watchdog(
        deadline=started + settings.deadline,
        statement_seconds=settings.statement_timeout,
        kill=lambda: server.kill() if server is not None else None,
    )
    # a shared server (tests, benchmarks) stands in only for the default choice of server
    pool = shared.current() if settings.server == "auto" else None
    databases: list[str] = []
    try:
        if pool is not None:
            server = pool.acquire()
            outcome.reason = server.binaries.label
        else:
            binaries = find_binaries(settings.server)
            timeout_ms = int(settings.statement_timeout * 1000)
            server = Server.start(
                binaries,
                {"statement_timeout": f"{timeout_ms}ms", "lock_timeout": f"{timeout_ms}ms"},
                extension_files(binaries),
            )
            outcome.reason = binaries.label
            lay_cluster(server)
        # the platform is laid once and copied when this server holds several projects
        # databases (a monorepo, or a shared server); one database is laid in place
        copies = pool is not None or len(projects) > 1
        for index, project in enumerate(projects):
            _run_project(
                server,
                workspace,
                project,
                index,
                settings,
                watchdog,
                outcome,
                pool,
                databases,
                copies=copies,
            )
        outcome.status = "ran"
    except DatabaseUnavailable as exc:
        outcome.status = "unavailable"
        outcome.reason = str(exc)
    except psycopg.Error as exc:
        if watchdog.expired:
            outcome.status = "deadline"
            outcome.notes.append(
                f"the database stage stopped at its {settings.deadline:.0f} s deadline; "
                "what was measured before it is reported"
            )
        else:
            outcome.status = "unavailable"
            outcome.reason = f"the review's database failed: {' '.join(str(exc).split())}"
    finally:
        if server is not None and pool is not None:
            pool.release(server, databases)
        elif server is not None:
            server.stop()
        outcome.seconds = time.monotonic() - started
    if outcome.status == "unavailable":
        outcome.findings.clear()
        outcome.probes.clear()
    return outcome


def _skipped_note(path: str, skipped: list[Failure]) -> str:
    """The note for a base file applied without the statements the server cannot run."""
    first = skipped[0]
    return (
        f"base migration {path} applied without {len(skipped)} statement(s) the review "
        f"cannot run (line {first.line}: {first.sqlstate} {first.message})"
    )
