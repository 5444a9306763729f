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
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, field_validator

from agents.changes import ChangedFile, FileStatus
from agents.findings import SPECIALISTS, Specialist
from pipeline.diff import MODE_ONLY_NOTE, RENAME_ONLY_NOTE
from pipeline.globs import glob_match


class Route(BaseModel):
    """Files matching any of ``paths`` (and ``content``, when set) go to ``specialists``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    paths: tuple[str, ...] = Field(min_length=1)
    specialists: tuple[Specialist, ...] = Field(min_length=1)
    content: str | None = None
    """Regular expression searched in the head text; the route applies only on a match."""
    why: str = ""
    """Why these files go there (shown by ``--help``-style docs, not in the comment)."""

    @field_validator("content")
    @classmethod
    def _valid_regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {value!r}: {exc}") from exc
        return value

    def matches(self, file: ChangedFile) -> bool:
        """True when this route sends ``file`` to its specialists."""
        if not any(glob_match(p, file.path) for p in self.paths):
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

    by_specialist: dict[Specialist, list[ChangedFile]] = field(default_factory=dict)
    """Files each specialist reviews (only specialists with at least one file)."""
    skipped: dict[str, str] = field(default_factory=dict)
    """Path → why it is not reviewed (deleted, binary, too large, generated…)."""
    unrouted: list[str] = field(default_factory=list)
    """Paths no route matches: not reviewed, listed in the comment."""

    def files_for(self, specialist: Specialist) -> list[ChangedFile]:
        return self.by_specialist.get(specialist, [])


def skip_reason(file: ChangedFile, skips: Sequence[SkipRule], max_file_bytes: int) -> str | None:
    """Why ``file`` is not reviewed at all, or None when it may be.

    A deleted or merely renamed SQL file is still reviewed: deleting or renaming a
    migration that already ran is itself the problem (the SQL specialists judge it
    against the history; nothing else reads such a file).
    """
    sql = file.path.endswith(".sql")
    if file.status is FileStatus.DELETED:
        return None if sql else "deleted"
    if file.is_binary:
        return "binary"
    for rule in skips:
        if any(glob_match(p, file.path) for p in rule.paths):
            return rule.reason
    renamed_sql = sql and RENAME_ONLY_NOTE in file.notes
    if not file.hunks and not renamed_sql and (
        MODE_ONLY_NOTE in file.notes or RENAME_ONLY_NOTE in file.notes
    ):
        return "no content change"
    if file.head_text is None:
        return "content unavailable (binary, or over the size limit)"
    size = len(file.head_text.encode("utf-8", errors="replace"))
    if size > max_file_bytes:
        return f"too large ({size:,} bytes > {max_file_bytes:,})"
    return None


def route(
    files: Sequence[ChangedFile],
    routes: Sequence[Route] = DEFAULT_ROUTES,
    skips: Sequence[SkipRule] = DEFAULT_SKIPS,
    max_file_bytes: int = 1_000_000,
) -> RoutingPlan:
    """Decide, for every changed file, which specialists review it."""
    plan = RoutingPlan()
    chosen: dict[Specialist, list[ChangedFile]] = {s: [] for s in SPECIALISTS}
    for file in files:
        reason = skip_reason(file, skips, max_file_bytes)
        if reason is not None:
            plan.skipped[file.path] = reason
            continue
        targets: set[Specialist] = set()
        for r in routes:
            if r.matches(file):
                targets.update(r.specialists)
        if not targets:
            plan.unrouted.append(file.path)
            continue
        for specialist in SPECIALISTS:
            if specialist in targets:
                chosen[specialist].append(file)
    plan.by_specialist = {s: fs for s, fs in chosen.items() if fs}
    return plan
