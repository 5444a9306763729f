"""The schema before and after the PR, and the PR's SQL files, parsed once per review.

A repository may hold several Supabase projects (``supabase/``,
``apps/api/supabase/``…, see :mod:`agents.projects`), each with its own
migration history and ``config.toml``.  ``analyse(workspace)`` (what both SQL
specialists call, concurrently; the workspace cache makes it run once) builds
one :class:`SchemaAnalysis` per project the PR's SQL touches.  For each it

1. replays the base tree's migrations (every folder of
   ``SupabaseProject.migration_dirs``, sorted by file name as the Supabase CLI
   orders them) onto the built-in Supabase catalogue → ``before``;
2. replays the PR's new and changed migrations on a copy of ``before`` →
   ``after``.  When the PR edits, renames or deletes a migration the base
   already has, history itself changed, so ``after`` is the full replay of the
   head tree's migrations instead;
3. parses every other SQL file of the project the PR touches (``seed.sql``,
   ``schemas/*.sql``, tests) so rules can read them.  Declarative schema
   files are replayed into ``after`` only when the PR changes no migration
   (otherwise the migrations generated from them already say the same);
4. reads ``[api]`` from the project's ``config.toml``: the exposed schemas,
   and ``auto_expose_new_tables``, which with each migration's version decides
   the grant regime it ran under (:mod:`agents.sql.platform`).

A ``.sql`` file outside every project is still reviewed: its statements are
replayed, in path order, onto a fresh built-in catalogue (no history), and a
note says so.  Without a repository (a bare diff) the base is empty and the
changed files' reconstructed head text is all there is.

Replaying the base history is the expensive part, and it is the same for
every PR on a branch, so it is cached by content hash: in process
(:data:`BASE_CACHE`, a small LRU) and, when ``settings["sql"]["model_cache_dir"]``
names a directory, as a pickle on disk keyed by the same hash.

Why one module of about 700 lines: this is the one place that knows the order a
project's history runs in; the base cache, the replay of the PR on top of it and the
per-statement snapshots share that project bookkeeping.
"""

from __future__ import annotations

import gc
import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from agents.changes import ChangedFile, FileStatus, Tree, Workspace
from agents.projects import SupabaseProject
from agents.sql.ast import qualname_of_rangevar
from agents.sql.model import DEFAULT_EXPOSED_SCHEMAS, Catalog, QualName
from agents.sql.parse import ParsedSql, Statement, parse_sql
from agents.sql.platform import ApiSettings, enter_migration, read_api_settings
from agents.sql.replay import apply_statement, builtin_catalog, replay

CACHE_KEY = "sql-analysis"

_UNKNOWN_POSITION = 1 << 30
"""Creation position of objects new in a rewritten history: after every PR statement,
so they count as not existing before any of them (the safe side for locking rules)."""

ObjKey = tuple[str, QualName]
"""(kind, name): kind is ``table``, ``view``, ``function``, ``index`` or ``policy``
(a policy's name is ``(table "schema.name", policy name)``)."""


def migration_order(paths: Sequence[str], project: SupabaseProject) -> list[str]:
    """``project``'s migrations among ``paths``, in the order the CLI applies them."""
    return project.migrations_in(paths)


@dataclass(frozen=True)
class RemovedMigration:
    """A migration of the base that the PR deletes or renames away."""

    path: str
    """Its path in the base tree."""
    renamed_to: str | None = None
    """Its new path when renamed (None: deleted)."""


@dataclass
class SchemaAnalysis:
    """What the SQL rules know about one project's database around the PR."""

    before: Catalog
    after: Catalog
    parsed: dict[str, ParsedSql] = field(default_factory=dict)
    """The PR's SQL files of this project (head versions), by path."""
    files: dict[str, ChangedFile] = field(default_factory=dict)
    """The ChangedFile of each path in ``parsed``."""
    pr_migrations: list[str] = field(default_factory=list)
    """The PR's new/changed migrations, in replay order."""
    history_rewritten: bool = False
    """True when the PR edits, renames or deletes a migration already in the base."""
    notes: list[str] = field(default_factory=list)
    project: SupabaseProject | None = None
    """The project (None: the SQL files outside every project, judged without history)."""
    base_migrations: frozenset[str] = frozenset()
    """The project's migrations in the base tree: applied wherever the base is deployed."""
    removed_migrations: tuple[RemovedMigration, ...] = ()
    """Base migrations the PR deletes or renames."""
    edited_from: dict[str, str] = field(default_factory=dict)
    """Head path → base path of each base migration the PR edits in place or renames."""
    base_texts: dict[str, str] = field(default_factory=dict)
    """Base text of each migration the PR edits, renames or deletes (by base path)."""
    config_change: tuple[str, int | None] | None = None
    """(config path, line) when the PR changes the ``[api]`` settings the rules read (the
    exposed schemas, ``auto_expose_new_tables``): where a change of exposure comes from."""
    memo: dict[str, Any] = field(default_factory=dict, repr=False)
    """Per-analysis results rules share (computed once, under ``memo_lock``)."""
    memo_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    replayed: list[str] = field(default_factory=list)
    """Files whose statements were replayed into ``after`` in order (``pr_migrations``,
    or declarative schema files, or SQL outside every project)."""
    _positions: dict[tuple[str, int], int] = field(default_factory=dict, repr=False)
    """(path, statement index) → position in the PR's replay order."""
    _created_at: dict[ObjKey, int] = field(default_factory=dict, repr=False)
    """Object → position of the PR statement that (first) created it."""
    _snapshots: dict[tuple[str, int], Catalog] = field(default_factory=dict, repr=False)
    _snapshot_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _auto_expose: bool | None = field(default=None, repr=False)

    # -- what kind of file ----------------------------------------------------

    def is_migration(self, path: str) -> bool:
        """True for a file the Supabase CLI applies as a migration of this project."""
        return self.project is not None and self.project.is_migration(path)

    def applied_in_base(self, path: str) -> bool:
        """True for a migration the base already has (edited in place or renamed): the CLI
        never runs it again where the base is deployed, so an edit to it only reaches new
        environments."""
        return path in self.base_migrations or path in self.edited_from

    def is_schema_file(self, path: str) -> bool:
        """True for a declarative schema file (``<project>/schemas/…``)."""
        return self.project is not None and path.startswith(self.project.schemas_dir + "/")

    # -- what changed -------------------------------------------------------

    def changed_statements(self, path: str) -> list[Statement]:
        """Statements of ``path`` that overlap lines the PR added or changed.

        Untouched statements of a modified file are history: rules must not
        re-flag them.  Nor is a ``CREATE … IF NOT EXISTS`` of an object that
        already exists at that point a change: it does nothing.  A declarative
        schema file changed together with migrations has none either: the
        migrations (``supabase db diff`` writes them from the schema files) are
        what runs, and they are judged; judging both would say everything twice.
        """
        parsed = self.parsed.get(path)
        changed = self.files.get(path)
        if parsed is None or changed is None:
            return []
        if self.pr_migrations and self.is_schema_file(path):
            return []
        touched = (
            list(parsed.statements)
            if changed.status == FileStatus.ADDED
            else [s for s in parsed.statements if changed.touches(s.line, s.end_line)]
        )
        return [s for s in touched if not self._no_op(path, s)]

    def _no_op(self, path: str, stmt: Statement) -> bool:
        """True for ``CREATE TABLE/INDEX IF NOT EXISTS`` of something already there."""
        if not stmt.node.get("if_not_exists"):
            return False
        if stmt.kind == "CreateStmt":
            name = qualname_of_rangevar(stmt.node.get("relation"))
            return self.existed_before_statement("table", name, path, stmt)
        if stmt.kind == "IndexStmt" and stmt.node.get("idxname"):
            schema = qualname_of_rangevar(stmt.node.get("relation"))[0]
            key = (schema, str(stmt.node["idxname"]))
            return self.existed_before_statement("index", key, path, stmt)
        return False

    def existed_before(self, kind: str, name: QualName) -> bool:
        """True when the object existed before the PR (in the base schema).

        A table created in this same PR does not: it is empty when the PR's
        later statements run, so locking rules can stay quiet about it.
        """
        return _exists(self.before, kind, name)

    def created_in_pr(self, kind: str, name: QualName) -> bool:
        """True when a statement of the PR creates the object."""
        return (kind, name) in self._created_at

    def existed_before_statement(
        self, kind: str, name: QualName, path: str, stmt: Statement
    ) -> bool:
        """True when the object existed just before ``stmt`` of ``path`` ran.

        Existed in the base (and the PR did not re-create it first), or was
        created by an earlier statement of the PR.
        """
        pos = self._positions.get((path, stmt.index))
        created = self._created_at.get((kind, name))
        if created is not None and pos is not None:
            return created < pos
        return self.existed_before(kind, name)

    def state_before(self, path: str, stmt: Statement) -> Catalog:
        """The whole catalogue just before ``stmt`` (replays the PR up to it; cached).

        Costs one copy of ``before`` plus the PR's statements up to ``stmt``;
        prefer :meth:`existed_before_statement` for existence questions.
        """
        key = (path, stmt.index)
        with self._snapshot_lock:
            if key in self._snapshots:
                return self._snapshots[key]
            target = self._positions.get(key)
            cat = self.before.clone()
            if target is not None:
                pos = 0
                for mig in self.replayed:
                    parsed = self.parsed.get(mig)
                    if parsed is None or pos >= target:
                        continue
                    enter_migration(cat, mig, self._auto_expose)
                    for s in parsed.statements:
                        if pos >= target:
                            break
                        apply_statement(cat, parsed, s)
                        pos += 1
            self._snapshots[key] = cat
            return cat


@dataclass
class SqlAnalyses:
    """The review's SQL analysis: one :class:`SchemaAnalysis` per project it touches."""

    analyses: list[SchemaAnalysis] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Review-wide notes (each analysis's own notes are in ``analysis.notes``)."""
    _by_path: dict[str, SchemaAnalysis] = field(default_factory=dict, repr=False)

    def for_path(self, path: str) -> SchemaAnalysis | None:
        """The analysis holding the changed SQL file ``path`` (None when not parsed)."""
        return self._by_path.get(path)

    @property
    def parsed(self) -> dict[str, ParsedSql]:
        """Every parsed SQL file of the PR, whatever its project."""
        out: dict[str, ParsedSql] = {}
        for analysis in self.analyses:
            out.update(analysis.parsed)
        return out

    def all_notes(self) -> list[str]:
        """Review-wide notes, then each analysis's, without repeats."""
        out: list[str] = []
        for note in [*self.notes, *(n for a in self.analyses for n in a.notes)]:
            if note not in out:
                out.append(note)
        return out


def _exists(cat: Catalog, kind: str, name: QualName) -> bool:
    if kind == "table":
        return name in cat.tables
    if kind == "view":
        return name in cat.views
    if kind == "function":
        return name in cat.functions
    if kind == "index":
        return name in cat.indexes
    if kind == "relation":
        return name in cat.tables or name in cat.views
    if kind == "schema":
        return name[0] in cat.schemas
    return False


def _exists_key(cat: Catalog, key: ObjKey) -> bool:
    kind, name = key
    if kind == "policy":
        schema, _, table = name[0].partition(".")
        return ((schema, table), name[1]) in cat.policies
    return _exists(cat, kind, name)


def _inventory(cat: Catalog) -> set[ObjKey]:
    out: set[ObjKey] = set()
    out.update(("table", n) for n in cat.tables)
    out.update(("view", n) for n in cat.views)
    out.update(("function", n) for n in cat.functions)
    out.update(("index", n) for n in cat.indexes)
    out.update(("policy", (f"{t[0]}.{t[1]}", p)) for t, p in cat.policies)
    return out


# -- base cache ------------------------------------------------------------------


class BaseModelCache:
    """LRU of replayed base catalogues keyed by a hash of the migrations' contents.

    Thread-safe; values are never mutated (callers clone before replaying on
    top).  ``directory`` adds a pickle per key on disk, for CI runners that
    keep a cache folder between runs.
    """

    def __init__(self, maxsize: int = 8) -> None:
        self._items: OrderedDict[str, Catalog] = OrderedDict()
        self._lock = threading.Lock()
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(
        files: Sequence[tuple[str, str]], exposed: tuple[str, ...], auto_expose: bool | None = None
    ) -> str:
        h = hashlib.sha256()
        h.update(repr((exposed, auto_expose)).encode())
        for path, text in files:
            h.update(b"\0" + PurePosixPath(path).name.encode() + b"\0" + text.encode("utf-8"))
        return h.hexdigest()

    def get_or_replay(
        self,
        files: Sequence[tuple[str, str]],
        exposed: tuple[str, ...],
        directory: Path | None = None,
        auto_expose: bool | None = None,
    ) -> Catalog:
        """The catalogue after replaying ``files`` (path, text) in order onto the built-ins.

        Only the catalogue is kept (the parsed files are dropped), so a cached
        50,000-statement history costs a fraction of the memory its replay did.
        """
        key = self.key(files, exposed, auto_expose)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
        value: Catalog | None = None
        disk = directory / f"sql-model-{key[:32]}.pickle" if directory is not None else None
        if disk is not None and disk.is_file():
            try:
                loaded = pickle.loads(disk.read_bytes())
            except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
                loaded = None
            if isinstance(loaded, Catalog):
                value = loaded
        if value is None:
            value, _ = replay_history(files, exposed, auto_expose)
            if disk is not None:
                try:
                    disk.parent.mkdir(parents=True, exist_ok=True)
                    disk.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
                except OSError:
                    pass  # a cache that cannot be written is just a slower run
        with self._lock:
            self.misses += 1
            self._items[key] = value
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
        return value


BASE_CACHE = BaseModelCache()
"""Process-wide cache of replayed base histories (see :class:`BaseModelCache`)."""


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector, restoring its state afterwards.

    Parsed ASTs are millions of small acyclic dicts (freed by reference
    counting anyway); with the collector on, its repeated full passes over
    them made replaying and cloning long histories superlinear.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def replay_history(
    files: Sequence[tuple[str, str]],
    exposed: tuple[str, ...] = DEFAULT_EXPOSED_SCHEMAS,
    auto_expose: bool | None = None,
) -> tuple[Catalog, dict[str, ParsedSql]]:
    """Parse and replay ``files`` (path, text) in the given order onto the built-ins.

    Each file first moves the platform's default grants to the regime it ran
    under (:func:`agents.sql.platform.enter_migration`).  The cyclic garbage
    collector is paused meanwhile (see :func:`paused_gc`; 50,000 statements:
    15 s with the collector, ~5 s without).
    """
    with paused_gc():
        cat = builtin_catalog(exposed)
        parsed_all: dict[str, ParsedSql] = {}
        for path, text in files:
            parsed = parse_sql(path, text)
            parsed_all[path] = parsed
            enter_migration(cat, path, auto_expose)
            replay(cat, parsed)
        return cat, parsed_all


# -- config ------------------------------------------------------------------------


def api_settings(
    tree: Tree, project: SupabaseProject | None, notes: list[str] | None = None
) -> ApiSettings:
    """``[api]`` of the project's ``config.toml`` (defaults without a project or file)."""
    text = tree.read_text(project.config_path) if project is not None else None
    settings, error = read_api_settings(text)
    if error is not None and notes is not None and project is not None:
        notes.append(
            f"{project.config_path} does not parse ({error}); "
            "assuming exposed schemas public, graphql_public"
        )
    return settings


# -- the analysis ---------------------------------------------------------------------


def _head_text(changed: ChangedFile, workspace: Workspace) -> str | None:
    if changed.head_text is not None:
        return changed.head_text
    return workspace.head.read_text(changed.path)


def _settings_cache_dir(workspace: Workspace) -> Path | None:
    sql_settings = workspace.settings.get("sql")
    if isinstance(sql_settings, dict) and sql_settings.get("model_cache_dir"):
        return Path(str(sql_settings["model_cache_dir"]))
    return None


def _migration_files(tree: Tree, project: SupabaseProject) -> list[str]:
    listed: set[str] = set()
    for folder in project.migration_dirs:
        listed.update(tree.list_files(folder + "/"))
    return project.migrations_in(sorted(listed))


def build_analysis(workspace: Workspace, cache: BaseModelCache | None = None) -> SqlAnalyses:
    """Compute the analysis (uncached per workspace; see :func:`analyse`)."""
    cache = BASE_CACHE if cache is None else cache
    directory = _settings_cache_dir(workspace)
    out = SqlAnalyses()
    groups: dict[SupabaseProject | None, list[ChangedFile]] = {}
    for f in workspace.files:
        project = workspace.project_for(f.path)
        old_project = workspace.project_for(f.old_path) if f.old_path else None
        is_sql = f.path.endswith(".sql") and f.status != FileStatus.DELETED
        touches_history = any(
            p is not None and p.is_migration(path)
            for p, path in ((project, f.path), (old_project, f.old_path or f.path))
        )
        is_config = project is not None and f.path == project.config_path
        if is_sql or touches_history or is_config:
            groups.setdefault(project if is_sql or project else old_project, []).append(f)
    for project, files in sorted(groups.items(), key=lambda kv: kv[0].root if kv[0] else "\0"):
        if project is None:
            analysis = _loose_analysis(workspace, files, out.notes)
        else:
            analysis = _project_analysis(workspace, project, files, cache, directory)
        out.analyses.append(analysis)
        for path in analysis.parsed:
            out._by_path[path] = analysis
    return out


def _parse_changed(
    workspace: Workspace, files: Sequence[ChangedFile], notes: list[str]
) -> tuple[dict[str, ParsedSql], dict[str, ChangedFile]]:
    parsed: dict[str, ParsedSql] = {}
    by_path: dict[str, ChangedFile] = {}
    for f in files:
        if not f.path.endswith(".sql") or f.status == FileStatus.DELETED:
            continue
        text = _head_text(f, workspace)
        if text is None:
            notes.append(f"{f.path}: head content unavailable; not analysed")
            continue
        parsed[f.path] = parse_sql(f.path, text)
        by_path[f.path] = f
        if not f.head_complete and workspace.has_repo is False:
            notes.append(
                f"{f.path}: only the diff's lines are known; the model sees the hunks alone"
            )
    return parsed, by_path


def _loose_analysis(
    workspace: Workspace, files: Sequence[ChangedFile], review_notes: list[str]
) -> SchemaAnalysis:
    """SQL files outside every Supabase project: no history, replayed in path order."""
    notes: list[str] = []
    parsed, by_path = _parse_changed(workspace, files, notes)
    before = builtin_catalog()
    analysis = SchemaAnalysis(
        before=before, after=before, parsed=parsed, files=by_path, notes=notes
    )
    if parsed:
        review_notes.append(
            f"{', '.join(sorted(parsed))}: outside every Supabase project; reviewed as SQL "
            "on its own, without a migration history"
        )
    analysis.after = _replay_on(analysis, before, sorted(parsed), None)
    return analysis


def _replay_on(
    analysis: SchemaAnalysis, before: Catalog, paths: Sequence[str], auto_expose: bool | None
) -> Catalog:
    """Replay ``paths`` (parsed already) in order on a copy of ``before``, recording
    statement positions and what each created."""
    after = before.clone()
    analysis.replayed = list(paths)
    analysis._auto_expose = auto_expose
    pos = 0
    for path in paths:
        parsed = analysis.parsed[path]
        enter_migration(after, path, auto_expose)
        for stmt in parsed.statements:
            analysis._positions[(path, stmt.index)] = pos
            for key in apply_statement(after, parsed, stmt):
                if not _exists_key(before, key):
                    analysis._created_at.setdefault(key, pos)
            pos += 1
    return after


def _project_analysis(
    workspace: Workspace,
    project: SupabaseProject,
    files: Sequence[ChangedFile],
    cache: BaseModelCache,
    directory: Path | None,
) -> SchemaAnalysis:
    notes: list[str] = []
    base_api = api_settings(workspace.base, project, notes)
    head_api = api_settings(workspace.head, project, notes)

    base_paths = _migration_files(workspace.base, project)
    base_files = [(p, workspace.base.read_text(p) or "") for p in base_paths]
    before = cache.get_or_replay(
        base_files, base_api.exposed_schemas, directory, base_api.auto_expose_new_tables
    )
    parsed, by_path = _parse_changed(workspace, files, notes)

    base_set = frozenset(base_paths)
    changed_migrations = project.migrations_in(list(parsed))
    removed = tuple(
        RemovedMigration(
            path=f.old_path or f.path,
            renamed_to=f.path if f.status == FileStatus.RENAMED else None,
        )
        for f in files
        if (f.old_path or f.path) in base_set
        and (
            f.status == FileStatus.DELETED
            or (f.status == FileStatus.RENAMED and f.old_path != f.path)
        )
    )
    edited_from = {
        f.path: f.old_path or f.path
        for f in files
        if f.status in (FileStatus.MODIFIED, FileStatus.RENAMED)
        and (f.old_path or f.path) in base_set
        and project.is_migration(f.path)
    }
    base_texts = {
        base_path: workspace.base.read_text(base_path) or ""
        for base_path in [*edited_from.values(), *(r.path for r in removed)]
    }
    rewritten = bool(removed) or any(p in base_set for p in changed_migrations)
    config_change = None
    if base_api != head_api:
        config_change = (project.config_path, _api_line(workspace.head, project))
    analysis = SchemaAnalysis(
        before=before,
        after=before,
        parsed=parsed,
        files=by_path,
        pr_migrations=changed_migrations,
        history_rewritten=rewritten,
        notes=notes,
        project=project,
        base_migrations=base_set,
        removed_migrations=removed,
        edited_from=edited_from,
        base_texts=base_texts,
        config_change=config_change,
    )
    if rewritten:
        notes.append(
            f"{project.label}: the PR edits, renames or deletes migrations already in the "
            "base; 'after' is the head's full history"
        )
        head_paths = _migration_files(workspace.head, project)
        head_files = [
            (p, parsed[p].text if p in parsed else workspace.head.read_text(p) or "")
            for p in head_paths
        ]
        after = cache.get_or_replay(
            head_files, head_api.exposed_schemas, directory, head_api.auto_expose_new_tables
        )
        analysis.after = after
        analysis.replayed = list(changed_migrations)
        analysis._auto_expose = head_api.auto_expose_new_tables
        for key in sorted(_inventory(after) - _inventory(before)):
            analysis._created_at[key] = _UNKNOWN_POSITION
        pos = 0
        for mig in changed_migrations:
            for stmt in parsed[mig].statements:
                analysis._positions[(mig, stmt.index)] = pos
                pos += 1
        return analysis

    start = before
    if head_api.exposed_schemas != before.exposed_schemas:
        start = before.clone()
        start.exposed_schemas = head_api.exposed_schemas
    replay_paths = list(changed_migrations)
    if not replay_paths:
        replay_paths = sorted(p for p in parsed if analysis.is_schema_file(p))
    elif any(analysis.is_schema_file(p) for p in parsed):
        notes.append(
            f"{project.label}: declarative schema files changed with migrations; the "
            "migrations are reviewed, the schema files are not reviewed again"
        )
    analysis.after = _replay_on(analysis, start, replay_paths, head_api.auto_expose_new_tables)
    return analysis


def _api_line(tree: Tree, project: SupabaseProject) -> int | None:
    """Line of the ``schemas`` setting under ``[api]`` (else of ``[api]``) in the config."""
    text = tree.read_text(project.config_path) or ""
    section: str | None = None
    header: int | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("["):
            section = line.strip("[] ")
            if section == "api":
                header = number
            continue
        if section == "api" and line.split("=")[0].strip() in ("schemas", "auto_expose_new_tables"):
            return number
    return header


def analyse(workspace: Workspace) -> SqlAnalyses:
    """The review's schema analysis, computed once per workspace (thread-safe)."""

    def compute() -> SqlAnalyses:
        with paused_gc():
            return build_analysis(workspace)

    return workspace.cached(CACHE_KEY, compute)
