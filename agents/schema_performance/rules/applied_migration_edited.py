"""MIG017: the PR edits, renames or deletes a migration the base branch already has."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import ClassVar

from agents.changes import FileStatus
from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules._base import PerfRule
from agents.sql.analysis import SchemaAnalysis
from agents.sql.history import removed_statements, statements_differ

_ONE_FINDING_FROM = 3
"""From this many edited applied migrations in one project, one finding lists them all:
a sweeping edit (a reformat, a squash by hand) is one decision, not N high findings."""

_NOT_AGAIN = (
    "The Supabase CLI records each applied migration's version and never runs it again, so "
    "databases that already applied it (production, staging) will not get this change, while "
    "every database built from scratch (preview branches, new environments, `db reset`) will: "
    "environments diverge from the history."
)


class AppliedMigrationEdited(PerfRule):
    """Migration already applied is edited, renamed or deleted.

    ## What it does
    Flags a migration that exists in the base branch and that the PR edits
    (any statement changes: comment and whitespace edits are fine), renames
    or deletes.  The finding sits at the first changed statement (an edit) or
    on the file (a rename or deletion).  Three or more edited migrations of
    one project are one finding, on the first, listing them all; the
    project's deletions are one finding too.  The migration-safety rules (locks,
    rewrites, validation scans) do not judge the edited statements: they
    never run on a database that holds data; the security rules still do,
    since the edit defines every new environment.

    ## Why is this bad?
    Production keeps the old version: a column, policy or grant changed in
    an applied migration silently differs between production and every
    environment created afterwards, which is how "works on my branch, broken
    in prod" and unreproducible security holes happen.  A renamed migration
    has a new version: the CLI tries to run it again where the old one
    already ran (it fails on existing objects, or duplicates them), and
    ``db push`` reports the old version as missing locally.  A deleted one
    leaves its objects in production and out of every new database.

    ## Example
    ```sql
    -- supabase/migrations/20240101000000_orders.sql (already deployed), edited:
    create table public.orders (id bigint primary key, total numeric, note text);
    ```

    ## Use instead
    ```sql
    -- supabase/migrations/20240601000000_orders_note.sql (new)
    alter table public.orders add column note text;
    ```

    ## References
    - https://supabase.com/docs/guides/deployment/database-migrations
    - https://supabase.com/docs/reference/cli/supabase-migration-repair
    """

    code: ClassVar[str] = "MIG017"
    name: ClassVar[str] = "applied-migration-edited"
    severity: ClassVar[Severity] = Severity.HIGH
    severity_reason: ClassVar[str] = (
        "Production and new environments diverge silently; a rename breaks the next deploy."
    )

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        analysis = ctx.analysis
        path = ctx.path
        if ctx.file.status == FileStatus.DELETED:
            deleted = sorted(r.path for r in analysis.removed_migrations if r.renamed_to is None)
            if deleted and deleted[0] == path:  # one finding for all of the project's deletions
                what = "a migration" if len(deleted) == 1 else "migrations"
                yield self.finding(
                    path,
                    None,
                    f"The PR deletes {_listed(deleted)}, {what} the base branch already has. "
                    + _NOT_AGAIN,
                    "Keep the files; undo what they did in a new migration.",
                    title="Applied migration deleted",
                )
            return
        base_path = analysis.edited_from.get(path)
        if base_path is None:
            return
        base_text = analysis.base_texts.get(base_path, "")
        renamed = base_path != path
        if renamed:
            yield self.finding(
                path,
                None,
                f"The PR renames `{PurePosixPath(base_path).name}`, a migration the base branch "
                f"already has, to `{PurePosixPath(path).name}`: the CLI sees a new version, "
                "runs it again on databases that applied the old one, and reports the old "
                "version as missing locally.",
                "Keep the original file name; put new changes in a new migration.",
                title="Applied migration renamed",
            )
            return
        edited = _edited_in_place(analysis)
        if path not in edited:
            return  # comments or formatting only: nothing runs differently
        if len(edited) >= _ONE_FINDING_FROM and path != edited[0]:
            return  # the project's first edited migration speaks for all of them
        removed = [
            r.head_line
            for r in removed_statements(base_text, ctx.parsed.text)
            if r.head_line is not None
        ]
        first = min(ctx.file.added_lines or removed, default=None)
        if len(edited) >= _ONE_FINDING_FROM:
            yield self.finding(
                path,
                first,
                f"The PR edits {len(edited)} migrations the base branch already has: "
                f"{_listed(edited)}. " + _NOT_AGAIN,
                "Revert the edits and make the changes in new migrations "
                "(`supabase migration new`); if the history is being squashed on purpose, "
                "repair the remote history (`supabase migration repair`) in the same deploy.",
                title="Applied migrations edited",
            )
            return
        yield self.finding(
            path,
            first,
            f"The PR edits `{PurePosixPath(path).name}`, a migration the base branch already "
            "has. " + _NOT_AGAIN,
            "Revert the edit and make the change in a new migration (`supabase migration new`).",
        )


def _listed(paths: list[str]) -> str:
    """File names in backticks, the first five and how many more."""
    names = [f"`{PurePosixPath(p).name}`" for p in paths]
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _edited_in_place(analysis: SchemaAnalysis) -> list[str]:
    """The project's applied migrations the PR edits in place so that a statement changes
    (sorted; computed once per analysis: every edited file's check asks)."""
    with analysis.memo_lock:
        found = analysis.memo.get("applied-migrations-edited")
        if found is None:
            found = sorted(
                head
                for head, base in analysis.edited_from.items()
                if head == base
                and head in analysis.parsed
                and statements_differ(analysis.base_texts.get(base, ""), analysis.parsed[head].text)
            )
            analysis.memo["applied-migrations-edited"] = found
        return list(found)
