"""What changed in the pull request, and the two trees around it.

``ChangedFile`` is built by ``pipeline.sources.diff`` from a unidiff ``PatchSet``;
rules read it.  ``Tree`` is read-only access to the repository at the base or
head of the PR (a git commit, a GitHub ref, or, with only a diff file, what the
hunks show).  ``Workspace`` bundles both with the changed files and caches the
expensive analyses (the schema model, parsed TypeScript) so specialists that
run concurrently compute them once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from agents.projects import ProjectSpec, SupabaseProject, discover_projects, project_for


class FileStatus(StrEnum):
    """How the PR changes a file."""

    ADDED = "added"
    MODIFIED = "modified"
    DELETED = "deleted"
    RENAMED = "renamed"


@dataclass(frozen=True)
class Hunk:
    """One hunk: where it sits in the head file, and its lines as text."""

    source_start: int
    source_length: int
    target_start: int
    target_length: int
    added: tuple[tuple[int, str], ...]
    """(head line number, text) of each added line."""
    removed: tuple[tuple[int, str], ...]
    """(base line number, text) of each removed line."""
    context: tuple[tuple[int, str], ...]
    """(head line number, text) of each context line."""


@dataclass(frozen=True)
class ChangedFile:
    """One file of the PR as the reviewers see it."""

    path: str
    """Path in the head tree (for deletions: the deleted path)."""
    status: FileStatus
    old_path: str | None = None
    """Path in the base tree when renamed; else same as path (None for added files)."""
    is_binary: bool = False
    hunks: tuple[Hunk, ...] = ()
    added_lines: frozenset[int] = frozenset()
    """Head line numbers added or changed by the PR."""
    head_text: str | None = None
    """Full head content when known; with only a diff, the hunks' lines at their
    positions and blank lines elsewhere (so line numbers still match)."""
    head_complete: bool = False
    """True when head_text is the real full file, not a reconstruction from hunks."""
    notes: tuple[str, ...] = ()
    """Things the reader should know (decoded with replacement, mode change only…)."""
    metadata_only: bool = False
    """True when the change holds no content: a mode change or a rename without edits."""
    unreadable: str | None = None
    """Why the head content could not be read although the file exists (``too large (…)``,
    ``git could not read the object…``); the file is skipped with this reason."""

    def touches(self, line: int, end_line: int | None = None) -> bool:
        """True when any line in [line, end_line] was added or changed by the PR."""
        last = end_line if end_line is not None else line
        return any(n in self.added_lines for n in range(line, last + 1))


class Tree(Protocol):
    """Read-only view of the repository at one revision."""

    def list_files(self, prefix: str = "") -> list[str]:
        """Paths (posix, relative to the root) under ``prefix``, sorted."""
        ...

    def read_text(self, path: str) -> str | None:
        """The file's text (UTF-8, undecodable bytes replaced), or None when absent/binary."""
        ...


class EmptyTree:
    """A tree with no files: the base of a first commit, or no repository at all."""

    def list_files(self, prefix: str = "") -> list[str]:
        return []

    def read_text(self, path: str) -> str | None:
        return None


@dataclass
class DictTree:
    """A tree held in memory: tests, and the head reconstructed from a diff."""

    files: dict[str, str]

    def list_files(self, prefix: str = "") -> list[str]:
        return sorted(p for p in self.files if p.startswith(prefix))

    def read_text(self, path: str) -> str | None:
        return self.files.get(path)


T = TypeVar("T")


@dataclass
class Workspace:
    """Everything a specialist may read about the PR, plus a per-review cache.

    ``cached(key, compute)`` runs ``compute`` once per key even when several
    specialists ask at the same time (they run concurrently), so the schema
    model is replayed once per review.
    """

    files: Sequence[ChangedFile]
    base: Tree = field(default_factory=EmptyTree)
    head: Tree = field(default_factory=EmptyTree)
    has_repo: bool = False
    """True when base/head are real trees (git or GitHub), False for a bare diff."""
    settings: dict[str, Any] = field(default_factory=dict)
    """The frozen config's per-specialist settings (see pipeline.config)."""
    project_specs: tuple[ProjectSpec, ...] = ()
    """The config's ``projects:`` (empty: discover them, see :mod:`agents.projects`)."""
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)
    _locks: dict[str, threading.Lock] = field(default_factory=dict, repr=False)
    _guard: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def file(self, path: str) -> ChangedFile | None:
        """The changed file at ``path``, if the PR touches it."""
        for f in self.files:
            if f.path == path:
                return f
        return None

    @property
    def projects(self) -> tuple[SupabaseProject, ...]:
        """The Supabase projects of the repository at the head (the config's ``projects:``
        when given, else discovered from the base tree's paths with the PR applied)."""

        def compute() -> tuple[SupabaseProject, ...]:
            # The head's paths are the base's with the PR applied: no listing of the head
            # tree (one more API request in the Action) is needed to know them.
            gone = {f.old_path or f.path for f in self.files if f.status is FileStatus.DELETED}
            gone.update(
                f.old_path for f in self.files if f.status is FileStatus.RENAMED and f.old_path
            )
            paths = {p for p in self.base.list_files() if p not in gone}
            paths.update(f.path for f in self.files if f.status is not FileStatus.DELETED)
            if not self.has_repo:
                paths.update(self.head.list_files())
            return discover_projects(sorted(paths), self.project_specs)

        return self.cached("supabase-projects", compute)

    def project_for(self, path: str) -> SupabaseProject | None:
        """The project ``path`` belongs to, or None (a file outside every project)."""
        return project_for(self.projects, path)

    def cached(self, key: str, compute: Callable[[], T]) -> T:
        """Compute once per review, thread-safe."""
        with self._guard:
            if key in self._cache:
                return self._cache[key]  # type: ignore[no-any-return]
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._cache:
                self._cache[key] = compute()
            return self._cache[key]  # type: ignore[no-any-return]
