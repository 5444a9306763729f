"""The schema before and after the PR, and the PR's SQL files, parsed once per review.

``analyse(workspace)`` is what both SQL specialists call (concurrently; the
workspace cache makes it run once).  It

1. replays the base tree's ``supabase/migrations/*.sql``, sorted by file name
   (the timestamp prefix, as the Supabase CLI orders them), onto the built-in
   Supabase catalogue → ``before``;
2. replays the PR's new and changed migrations on a copy of ``before`` →
   ``after``.  When the PR edits or deletes a migration that was already in
   the base, history itself changed, so ``after`` is the full replay of the
   head tree's migrations instead;
3. parses every other SQL file the PR touches (``seed.sql``,
   ``supabase/schemas/*.sql``) so rules can read them.  Declarative schema
   files are replayed into ``after`` only when the PR changes no migration
   (otherwise the migrations generated from them already say the same);
4. reads exposed schemas from ``supabase/config.toml`` ``[api] schemas``.

Without a repository (a bare diff) the base is empty and the changed files'
reconstructed head text is all there is.

Replaying the base history is the expensive part, and it is the same for
every PR on a branch, so it is cached by content hash: in process
(:data:`BASE_CACHE`, a small LRU) and, when ``settings["sql"]["model_cache_dir"]``
names a directory, as a pickle on disk keyed by the same hash.
"""

from __future__ import annotations

import gc
import hashlib
import pickle
import threading
import tomllib
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from agents.changes import ChangedFile, FileStatus, Tree, Workspace
from agents.sql.model import DEFAULT_EXPOSED_SCHEMAS, Catalog, QualName
from agents.sql.parse import ParsedSql, Statement, parse_sql
from agents.sql.replay import apply_statement, builtin_catalog, replay

MIGRATIONS_DIR = "supabase/migrations/"
SCHEMAS_DIR = "supabase/schemas/"
CONFIG_PATH = "supabase/config.toml"
CACHE_KEY = "sql-analysis"

_UNKNOWN_POSITION = 1 << 30
"""Creation position of objects new in a rewritten history: after every PR statement,
so they count as not existing before any of them (the safe side for locking rules)."""

ObjKey = tuple[str, QualName]
"""(kind, name): kind is ``table``, ``view``, ``function``, ``index`` or ``policy``
(a policy's name is ``(table "schema.name", policy name)``)."""


def is_migration(path: str) -> bool:
    """True for ``supabase/migrations/<name>.sql`` (not nested folders)."""
    p = PurePosixPath(path)
    return (
        path.startswith(MIGRATIONS_DIR)
        and p.suffix == ".sql"
        and str(p.parent) + "/" == MIGRATIONS_DIR
    )


def migration_order(paths: Sequence[str]) -> list[str]:
    """Migrations in the order the Supabase CLI applies them: by file name."""
    return sorted((p for p in paths if is_migration(p)), key=lambda p: PurePosixPath(p).name)


@dataclass
class SchemaAnalysis:
    """What the SQL rules know about the database around the PR."""

    before: Catalog
    after: Catalog
    parsed: dict[str, ParsedSql] = field(default_factory=dict)
    """The PR's SQL files (head versions), by path."""
    files: dict[str, ChangedFile] = field(default_factory=dict)
    """The ChangedFile of each path in ``parsed``."""
    pr_migrations: list[str] = field(default_factory=list)
    """The PR's new/changed migrations, in replay order."""
    history_rewritten: bool = False
    """True when the PR edits or deletes a migration already in the base."""
    notes: list[str] = field(default_factory=list)
    _positions: dict[tuple[str, int], int] = field(default_factory=dict, repr=False)
    """(path, statement index) → position in the PR's replay order."""
    _created_at: dict[ObjKey, int] = field(default_factory=dict, repr=False)
    """Object → position of the PR statement that (first) created it."""
    _snapshots: dict[tuple[str, int], Catalog] = field(default_factory=dict, repr=False)
    _snapshot_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # -- what changed -------------------------------------------------------

    def changed_statements(self, path: str) -> list[Statement]:
        """Statements of ``path`` that overlap lines the PR added or changed.

        Untouched statements of a modified file are history: rules must not
        re-flag them.
        """
        parsed = self.parsed.get(path)
        changed = self.files.get(path)
        if parsed is None or changed is None:
            return []
        if changed.status == FileStatus.ADDED:
            return list(parsed.statements)
        return [s for s in parsed.statements if changed.touches(s.line, s.end_line)]

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
                for mig in self.pr_migrations:
                    parsed = self.parsed.get(mig)
                    if parsed is None:
                        continue
                    for s in parsed.statements:
                        if pos >= target:
                            break
                        apply_statement(cat, parsed, s)
                        pos += 1
            self._snapshots[key] = cat
            return cat


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
    def key(files: Sequence[tuple[str, str]], exposed: tuple[str, ...]) -> str:
        h = hashlib.sha256()
        h.update(repr(exposed).encode())
        for path, text in files:
            h.update(b"\0" + PurePosixPath(path).name.encode() + b"\0" + text.encode("utf-8"))
        return h.hexdigest()

    def get_or_replay(
        self,
        files: Sequence[tuple[str, str]],
        exposed: tuple[str, ...],
        directory: Path | None = None,
    ) -> Catalog:
        """The catalogue after replaying ``files`` (path, text) in order onto the built-ins.

        Only the catalogue is kept (the parsed files are dropped), so a cached
        50,000-statement history costs a fraction of the memory its replay did.
        """
        key = self.key(files, exposed)
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
            except (pickle.UnpicklingError, EOFError, AttributeError, ImportError):
                loaded = None
            if isinstance(loaded, Catalog):
                value = loaded
        if value is None:
            value, _ = replay_history(files, exposed)
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
    files: Sequence[tuple[str, str]], exposed: tuple[str, ...] = DEFAULT_EXPOSED_SCHEMAS
) -> tuple[Catalog, dict[str, ParsedSql]]:
    """Parse and replay ``files`` (path, text) in the given order onto the built-ins.

    The cyclic garbage collector is paused meanwhile (see :func:`paused_gc`;
    50,000 statements: 15 s with the collector, ~5 s without).
    """
    with paused_gc():
        cat = builtin_catalog(exposed)
        parsed_all: dict[str, ParsedSql] = {}
        for path, text in files:
            parsed = parse_sql(path, text)
            parsed_all[path] = parsed
            replay(cat, parsed)
        return cat, parsed_all


# -- config ------------------------------------------------------------------------


def exposed_schemas(tree: Tree, notes: list[str] | None = None) -> tuple[str, ...]:
    """``[api] schemas`` of ``supabase/config.toml`` (default ``public, graphql_public``)."""
    text = tree.read_text(CONFIG_PATH)
    if text is None:
        return DEFAULT_EXPOSED_SCHEMAS
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        if notes is not None:
            notes.append(
                f"{CONFIG_PATH} does not parse ({exc}); "
                "assuming exposed schemas public, graphql_public"
            )
        return DEFAULT_EXPOSED_SCHEMAS
    api = data.get("api")
    schemas = api.get("schemas") if isinstance(api, dict) else None
    if isinstance(schemas, list) and all(isinstance(s, str) for s in schemas):
        if isinstance(api, dict) and api.get("enabled") is False:
            return ()
        return tuple(s.lower() for s in schemas)
    return DEFAULT_EXPOSED_SCHEMAS


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


def build_analysis(workspace: Workspace, cache: BaseModelCache | None = None) -> SchemaAnalysis:
    """Compute the analysis (uncached per workspace; see :func:`analyse`)."""
    cache = BASE_CACHE if cache is None else cache
    notes: list[str] = []
    directory = _settings_cache_dir(workspace)
    base_exposed = exposed_schemas(workspace.base, notes)
    head_exposed = exposed_schemas(workspace.head, notes)

    base_paths = migration_order(workspace.base.list_files(MIGRATIONS_DIR))
    base_files = [(p, workspace.base.read_text(p) or "") for p in base_paths]
    before = cache.get_or_replay(base_files, base_exposed, directory)

    sql_files = [
        f for f in workspace.files if f.path.endswith(".sql") and f.status != FileStatus.DELETED
    ]
    parsed: dict[str, ParsedSql] = {}
    files: dict[str, ChangedFile] = {}
    for f in sql_files:
        text = _head_text(f, workspace)
        if text is None:
            notes.append(f"{f.path}: head content unavailable; not analysed")
            continue
        parsed[f.path] = parse_sql(f.path, text)
        files[f.path] = f
        if not f.head_complete and workspace.has_repo is False:
            notes.append(
                f"{f.path}: only the diff's lines are known; the model sees the hunks alone"
            )

    base_set = set(base_paths)
    changed_migrations = [p for p in migration_order(list(parsed)) if p in parsed]
    deleted_or_renamed = [
        f.old_path or f.path
        for f in workspace.files
        if is_migration(f.old_path or f.path)
        and (
            f.status == FileStatus.DELETED
            or (f.status == FileStatus.RENAMED and f.old_path in base_set)
        )
    ]
    rewritten = bool(deleted_or_renamed) or any(p in base_set for p in changed_migrations)
    analysis = SchemaAnalysis(
        before=before,
        after=before,
        parsed=parsed,
        files=files,
        pr_migrations=changed_migrations,
        history_rewritten=rewritten,
        notes=notes,
    )
    if rewritten:
        notes.append(
            "the PR edits or deletes migrations already in the base; "
            "'after' is the head's full history"
        )
        head_paths = migration_order(workspace.head.list_files(MIGRATIONS_DIR))
        head_files = [
            (p, parsed[p].text if p in parsed else workspace.head.read_text(p) or "")
            for p in head_paths
        ]
        after = cache.get_or_replay(head_files, head_exposed, directory)
        analysis.after = after
        for key in sorted(_inventory(after) - _inventory(before)):
            analysis._created_at[key] = _UNKNOWN_POSITION
        pos = 0
        for mig in changed_migrations:
            for stmt in parsed[mig].statements:
                analysis._positions[(mig, stmt.index)] = pos
                pos += 1
        return analysis

    after = before.clone()
    after.exposed_schemas = head_exposed
    pos = 0
    replay_paths = list(changed_migrations)
    if not replay_paths:
        replay_paths = sorted(p for p in parsed if p.startswith(SCHEMAS_DIR))
        analysis.pr_migrations = replay_paths
    for mig in replay_paths:
        for stmt in parsed[mig].statements:
            analysis._positions[(mig, stmt.index)] = pos
            for key in apply_statement(after, parsed[mig], stmt):
                if not _exists_key(before, key):
                    analysis._created_at.setdefault(key, pos)
            pos += 1
    analysis.after = after
    return analysis


def analyse(workspace: Workspace) -> SchemaAnalysis:
    """The review's schema analysis, computed once per workspace (thread-safe)."""

    def compute() -> SchemaAnalysis:
        with paused_gc():
            return build_analysis(workspace)

    return workspace.cached(CACHE_KEY, compute)
