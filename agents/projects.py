"""The Supabase projects a repository holds, and which one a path belongs to.

A repository may hold several Supabase projects: a monorepo keeps one at
``apps/api/supabase/`` and another at ``packages/db/supabase/``; a simple app
keeps one at the root.  Each project has its own migration history, its own
Edge Functions and its own ``config.toml``, so every analysis that reads
"the" migrations or "the" functions must ask this module which project a file
belongs to, instead of assuming ``supabase/`` at the repository root.

Discovery: every directory named ``supabase`` that holds a ``config.toml``, a
``migrations/`` folder or a ``functions/`` folder is a project (folders under
``node_modules`` or a hidden directory are not: the ``supabase`` npm package and
CLI state are not projects).  The config file's ``projects:`` list replaces
discovery, and may name extra migration folders (``db/migrations``) that then
count as migrations for every rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from pydantic import BaseModel, ConfigDict, Field, field_validator

PROJECT_DIR_NAME = "supabase"
_MARKERS = ("config.toml", "migrations", "functions")


def _clean_dir(path: str) -> str:
    """``./apps/api/supabase/`` → ``apps/api/supabase`` (the repository root is ``""``)."""
    parts = [p for p in PurePosixPath(path.strip()).parts if p not in (".", "/")]
    return "/".join(parts)


def _under(path: str, folder: str) -> bool:
    return folder == "" or path.startswith(folder + "/")


@dataclass(frozen=True)
class SupabaseProject:
    """One Supabase project folder (``<prefix>supabase``) and where its parts live."""

    root: str
    """The project folder, posix, without trailing slash: ``supabase``, ``apps/api/supabase``."""
    migration_dirs: tuple[str, ...]
    """Folders whose direct ``*.sql`` children are migrations, in the CLI's file-name order."""
    functions_dir: str
    """The Edge Functions folder (``<root>/functions``)."""
    config_path: str
    """The project's ``config.toml``."""

    @classmethod
    def at(cls, root: str) -> SupabaseProject:
        """The project at ``root`` with Supabase's default layout."""
        root = _clean_dir(root)
        prefix = f"{root}/" if root else ""
        return cls(
            root=root,
            migration_dirs=(f"{prefix}migrations",),
            functions_dir=f"{prefix}functions",
            config_path=f"{prefix}config.toml",
        )

    @property
    def schemas_dir(self) -> str:
        """Declarative schema files (``supabase db diff`` reads them)."""
        return f"{self.root}/schemas" if self.root else "schemas"

    @property
    def seed_path(self) -> str:
        """``seed.sql``: local data only, never applied by ``db push``."""
        return f"{self.root}/seed.sql" if self.root else "seed.sql"

    @property
    def label(self) -> str:
        """How the review names this project (its folder)."""
        return self.root or "."

    def is_migration(self, path: str) -> bool:
        """True for a ``.sql`` file directly inside one of the migration folders."""
        parent, _, name = path.rpartition("/")  # plain string work: called for every file
        return name.endswith(".sql") and len(name) > 4 and parent in self.migration_dirs

    def is_function_source(self, path: str) -> bool:
        """True for any file under the functions folder (``_shared`` included)."""
        return _under(path, self.functions_dir)

    def function_name(self, path: str) -> str | None:
        """The function a file belongs to (``<functions>/<name>/…``); None for shared code."""
        if not self.is_function_source(path):
            return None
        rest = path[len(self.functions_dir) + 1 :].split("/")
        if len(rest) < 2 or rest[0].startswith(("_", ".")):
            return None
        return rest[0]

    def contains(self, path: str) -> bool:
        """True when ``path`` is part of this project (its folder or a migration folder)."""
        return _under(path, self.root) or any(_under(path, d) for d in self.migration_dirs)

    def migrations_in(self, paths: Iterable[str]) -> list[str]:
        """The migrations among ``paths``, in the order the CLI applies them (file name)."""
        return sorted(
            (p for p in paths if self.is_migration(p)), key=lambda p: p.rpartition("/")[2]
        )


class ProjectSpec(BaseModel):
    """One entry of the config file's ``projects:`` list."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    root: str = Field(min_length=1)
    """The project folder (``apps/api/supabase``); ``.`` for a repository that is the project."""
    migrations: tuple[str, ...] = ()
    """Migration folders (default ``<root>/migrations``); a folder outside root is allowed."""
    functions: str | None = None
    """Edge Functions folder (default ``<root>/functions``)."""
    config: str | None = None
    """``config.toml`` path (default ``<root>/config.toml``)."""

    @field_validator("root", "functions", "config")
    @classmethod
    def _relative(cls, value: str | None) -> str | None:
        if value is not None and (value.startswith("/") or ".." in PurePosixPath(value).parts):
            raise ValueError(f"{value!r} must be a path relative to the repository root")
        return value

    @field_validator("migrations")
    @classmethod
    def _relative_all(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            cls._relative(item)
        return value

    def project(self) -> SupabaseProject:
        """The project this entry describes, defaults filled in."""
        base = SupabaseProject.at(self.root)
        return SupabaseProject(
            root=base.root,
            migration_dirs=tuple(_clean_dir(m) for m in self.migrations) or base.migration_dirs,
            functions_dir=_clean_dir(self.functions) if self.functions else base.functions_dir,
            config_path=_clean_dir(self.config) if self.config else base.config_path,
        )


def _skipped_dir(parts: Sequence[str]) -> bool:
    return any(p == "node_modules" or (p.startswith(".") and p not in (".", "..")) for p in parts)


def discover_projects(
    paths: Iterable[str], specs: Sequence[ProjectSpec] = ()
) -> tuple[SupabaseProject, ...]:
    """Every Supabase project among ``paths`` (all files of the base and head trees).

    With ``specs`` (the config's ``projects:``) those projects are used as
    given and nothing is discovered.  Otherwise a folder named ``supabase``
    holding ``config.toml``, ``migrations/`` or ``functions/`` is a project.
    Sorted by root, deepest roots first where one contains another, so that
    :func:`project_for` finds the nearest.
    """
    if specs:
        found = [s.project() for s in specs]
    else:
        roots: set[str] = set()
        for path in paths:
            # split, not PurePosixPath: this runs once per file of the repository
            parts = tuple(p for p in path.split("/") if p not in ("", "."))
            for i, part in enumerate(parts[:-1]):
                if part != PROJECT_DIR_NAME or _skipped_dir(parts[:i]):
                    continue
                marker = parts[i + 1]
                if marker in _MARKERS and (marker != "config.toml" or i + 2 == len(parts)):
                    roots.add("/".join(parts[: i + 1]))
        found = [SupabaseProject.at(r) for r in roots]
    return tuple(sorted(found, key=lambda p: (-p.root.count("/"), p.root)))


def project_for(projects: Sequence[SupabaseProject], path: str) -> SupabaseProject | None:
    """The project ``path`` belongs to (the nearest enclosing one), or None."""
    best: SupabaseProject | None = None
    best_depth = -1
    for project in projects:
        for folder in (project.root, *project.migration_dirs, project.functions_dir):
            depth = folder.count("/") + 1 if folder else 0  # folders are clean (_clean_dir)
            if _under(path, folder) and depth > best_depth:
                best, best_depth = project, depth
    return best
