"""Which changed files go to which specialist: routing is data, not code.

A :class:`Route` maps path globs (see :mod:`pipeline.globs`), optionally
narrowed by a content hint (a regular expression the head text must match),
to one or more specialists.  A file goes to the union of the specialists of
every route it matches.  Before routing, files that nobody should read are
skipped with a reason the comment shows: deleted, binary, too large, or
matching a :class:`SkipRule` (generated code, lock files, minified bundles).
Files that match no route are listed as "not reviewed".

The defaults below are what a Supabase project looks like; the config file
(``.github/architect-review.yml``) can add routes and skips or replace the
defaults (see :mod:`pipeline.config`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePosixPath

from pydantic import BaseModel, ConfigDict, Field, field_validator

from agents.changes import ChangedFile, FileStatus, Workspace
from agents.projects import SupabaseProject, project_for
from agents.registry import Stage, stage_names
from pipeline.globs import glob_match


class Route(BaseModel):
    """Files matching any of ``paths`` (and ``content``, when set) go to ``specialists``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    paths: tuple[str, ...] = Field(min_length=1)
    specialists: tuple[str, ...] = Field(min_length=1)
    """Names of review stages (:data:`agents.registry.STAGES`): the three specialists, or
    any other registered stage."""
    content: str | None = None
    """Regular expression searched in the head text; the route applies only on a match."""
    why: str = ""
    """Why these files go there (shown by ``--help``-style docs, not in the comment)."""

    @field_validator("specialists")
    @classmethod
    def _known_stages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        known = stage_names()
        unknown = [name for name in value if name not in known]
        if unknown:
            raise ValueError(
                f"unknown specialist {', '.join(map(repr, unknown))}; "
                f"expected one of {', '.join(known)}"
            )
        return value

    @field_validator("content")
    @classmethod
    def _valid_regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {value!r}: {exc}") from exc
        return value

    def matches(self, file: ChangedFile, also: str | None = None) -> bool:
        """True when this route sends ``file`` to its specialists.

        ``also`` is another path the file answers to (its place in a default project
        layout, see :func:`default_layout_path`).
        """
        paths = (file.path,) if also is None else (file.path, also)
        if not any(glob_match(p, path) for p in self.paths for path in paths):
            return False
        if self.content is None:
            return True
        text = file.head_text
        return text is not None and _regex(self.content).search(text) is not None


class SkipRule(BaseModel):
    """Files matching any of ``paths`` are not reviewed, for ``reason``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    paths: tuple[str, ...] = Field(min_length=1)
    reason: str = Field(min_length=1)


@lru_cache(maxsize=64)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


SUPABASE_CLIENT_HINT = r"createClient\s*[<(]|@supabase/supabase-js|supabase-js@"
"""An Edge Function that talks to the database: RLS and key handling matter there."""

SECRET_HINT = r"service_role|SERVICE_ROLE|sb_secret_|eyJhbGciOi"
"""Front-end code that mentions a service-role key or a JWT literal."""

DEFAULT_ROUTES: tuple[Route, ...] = (
    Route(
        paths=("**/supabase/migrations/**/*.sql", "*.sql"),
        specialists=("rls_security", "schema_performance"),
        why="SQL: policies, grants and functions (security); indexes, locks, types (performance)",
    ),
    Route(
        paths=("**/supabase/functions/**/*.{ts,tsx,js,jsx,mjs,mts}",),
        specialists=("edge_reliability", "schema_performance"),
        why="Edge Functions: auth, CORS, errors (reliability); query loops / N+1 (performance)",
    ),
    Route(
        paths=("**/supabase/functions/**/*.{ts,tsx,js,jsx,mjs,mts}",),
        specialists=("rls_security",),
        content=SUPABASE_CLIENT_HINT,
        why="Edge Functions creating a Supabase client: service-role use bypasses RLS",
    ),
    Route(
        paths=(
            "**/supabase/functions/**/deno.json",
            "**/supabase/functions/**/deno.jsonc",
            "**/supabase/functions/**/import_map.json",
        ),
        specialists=("edge_reliability",),
        why="Edge Function imports: pinned versions",
    ),
    Route(
        paths=("**/supabase/config.toml",),
        specialists=("edge_reliability", "rls_security"),
        why="function settings such as verify_jwt (reliability); exposed API schemas (security)",
    ),
    Route(
        paths=("*.{ts,tsx,js,jsx,mjs,astro,svelte,vue}",),
        specialists=("rls_security",),
        content=SECRET_HINT,
        why="front-end code mentioning a service-role key or JWT: a leaked secret",
    ),
)

DEFAULT_SKIPS: tuple[SkipRule, ...] = (
    SkipRule(
        paths=("database.types.ts", "*.generated.ts", "supabase/types.ts"),
        reason="generated types",
    ),
    SkipRule(
        paths=(
            "*.lock",
            "package-lock.json",
            "pnpm-lock.yaml",
            "yarn.lock",
            "bun.lockb",
            "deno.lock",
        ),
        reason="lock file",
    ),
    SkipRule(paths=("*.min.js", "*.min.mjs", "*.map"), reason="minified or source map"),
    SkipRule(paths=("node_modules/**", "**/node_modules/**"), reason="vendored dependency"),
    SkipRule(
        paths=("**/supabase/.temp/**", "**/supabase/.branches/**"), reason="Supabase CLI state"
    ),
)


@dataclass
class RoutingPlan:
    """The outcome of routing one PR."""

    by_stage: dict[str, list[ChangedFile]] = field(default_factory=dict)
    """Files each stage reviews (only stages with at least one file), in stage order."""
    skipped: dict[str, str] = field(default_factory=dict)
    """Path → why it is not reviewed (deleted, binary, too large, generated…)."""
    unrouted: list[str] = field(default_factory=list)
    """Paths no route matches: not reviewed, listed in the comment."""
    unreadable: dict[str, str] = field(default_factory=dict)
    """Path → why a file some stage would have reviewed could not be read (binary, too
    large, content unavailable): the review is incomplete without it."""

    def files_for(self, stage: str) -> list[ChangedFile]:
        return self.by_stage.get(stage, [])


CONTENT_UNAVAILABLE = "content unavailable (binary, or over the size limit)"


def skip_reason(file: ChangedFile, skips: Sequence[SkipRule], max_file_bytes: int) -> str | None:
    """Why ``file`` is not reviewed at all, or None when it may be.

    A deleted or merely renamed SQL file is still reviewed: deleting or renaming a
    migration that already ran is itself the problem (the SQL specialists judge it
    against the history; nothing else reads such a file).  The same file gets the
    same reason whichever source it came from (a git range, a diff file, the
    GitHub API): the sources record what they could not read in
    ``ChangedFile.unreadable`` with the wording used here.
    """
    return _skip(file, skips, max_file_bytes)[0]


def _skip(
    file: ChangedFile, skips: Sequence[SkipRule], max_file_bytes: int
) -> tuple[str | None, bool]:
    """(reason, whether the content could not be read) — None when the file is reviewed."""
    sql = file.path.endswith(".sql")
    if file.status is FileStatus.DELETED:
        return (None, False) if sql else ("deleted", False)
    if file.is_binary:
        return "binary", True
    for rule in skips:
        if any(glob_match(p, file.path) for p in rule.paths):
            return rule.reason, False
    renamed_sql = sql and file.status is FileStatus.RENAMED
    if file.metadata_only and not renamed_sql:
        return "no content change", False
    if file.unreadable is not None:
        return file.unreadable, True
    if file.head_text is None:
        return CONTENT_UNAVAILABLE, True
    size = len(file.head_text.encode("utf-8", errors="replace"))
    if size > max_file_bytes:
        return too_large(size, max_file_bytes), True
    return None, False


def too_large(size: int, limit: int) -> str:
    """The skip reason of a file over ``max_file_bytes`` (sources use it too)."""
    return f"too large ({size:,} bytes > {limit:,})"


def default_layout_path(project: SupabaseProject, path: str) -> str | None:
    """Where ``path`` of ``project`` would sit in Supabase's default layout at the root.

    A project configured with ``projects:`` may keep its migrations in
    ``db/migrations`` or its functions in ``edge/``; the default routes name
    ``**/supabase/migrations/**`` and ``**/supabase/functions/**``, so such files
    are routed by this path as well, exactly like their default counterparts.
    None for a file that is none of the project's migrations, functions or config.
    """
    if path == project.config_path:
        return "supabase/config.toml"
    if project.is_migration(path):
        return f"supabase/migrations/{PurePosixPath(path).name}"
    if project.is_function_source(path):
        return f"supabase/functions/{path[len(project.functions_dir) + 1 :]}"
    return None


Selector = Callable[[ChangedFile], bool]
"""A stage's own choice of files (``Stage.selects`` bound to the workspace)."""


def route(
    files: Sequence[ChangedFile],
    routes: Sequence[Route] = DEFAULT_ROUTES,
    skips: Sequence[SkipRule] = DEFAULT_SKIPS,
    max_file_bytes: int = 1_000_000,
    *,
    stages: Sequence[str] | None = None,
    selectors: Mapping[str, Selector] | None = None,
    projects: Sequence[SupabaseProject] = (),
) -> RoutingPlan:
    """Decide, for every changed file, which stages review it.

    ``stages`` orders the plan (default: every registered stage); a stage in
    ``selectors`` also takes every reviewable file its selector accepts,
    whatever the routes say.  A file of one of ``projects`` is also routed by
    its place in the default layout (:func:`default_layout_path`).
    """
    order = tuple(stages) if stages is not None else stage_names()
    selectors = selectors or {}
    plan = RoutingPlan()
    chosen: dict[str, list[ChangedFile]] = {s: [] for s in order}
    for file in files:
        reason, unread = _skip(file, skips, max_file_bytes)
        if reason is not None:
            plan.skipped[file.path] = reason
            if unread and any(glob_match(p, file.path) for r in routes for p in r.paths):
                plan.unreadable[file.path] = reason
            continue
        targets: set[str] = {name for name, selects in selectors.items() if selects(file)}
        project = project_for(projects, file.path)
        also = default_layout_path(project, file.path) if project is not None else None
        for r in routes:
            if r.matches(file, also):
                targets.update(r.specialists)
        if not targets:
            plan.unrouted.append(file.path)
            continue
        for stage in order:
            if stage in targets:
                chosen[stage].append(file)
    plan.by_stage = {s: fs for s, fs in chosen.items() if fs}
    return plan


def plan_for(
    workspace: Workspace,
    routes: Sequence[Route],
    skips: Sequence[SkipRule],
    max_file_bytes: int,
    stages: Sequence[Stage],
) -> RoutingPlan:
    """The routing plan of ``workspace`` for ``stages``: their own file selectors, the
    route table and the repository's Supabase projects (the graph's route node and the
    worker processes of :mod:`pipeline.prefork` must agree on it)."""
    selectors = {
        s.name: (lambda f, selects=s.selects: selects(f, workspace))
        for s in stages
        if s.selects is not None
    }
    return route(
        workspace.files,
        routes,
        skips,
        max_file_bytes,
        stages=[s.name for s in stages],
        selectors=selectors,
        projects=workspace.projects,
    )
