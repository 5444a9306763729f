"""Build a review ``Workspace`` from in-memory trees, without git.

Rule tests and the rule meta-test use this: a fixture is a base tree and a
head tree (dicts of path → text); every head file that differs from base is a
changed file whose added lines are computed with difflib, exactly as the PR
diff would show them.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from agents.changes import ChangedFile, DictTree, FileStatus, Workspace

FIXTURE_MIGRATION = "supabase/migrations/20990101000000_fixture.sql"
FIXTURE_FUNCTION = "supabase/functions/fixture/index.ts"


def changed_file(path: str, base_text: str | None, head_text: str | None) -> ChangedFile:
    """The ChangedFile the PR diff of one file would give."""
    if head_text is None:
        return ChangedFile(path=path, status=FileStatus.DELETED, old_path=path)
    head_lines = head_text.splitlines()
    if base_text is None:
        added = frozenset(range(1, len(head_lines) + 1))
        status = FileStatus.ADDED
    else:
        added_set: set[int] = set()
        matcher = difflib.SequenceMatcher(a=base_text.splitlines(), b=head_lines, autojunk=False)
        for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
            if tag in ("replace", "insert"):
                added_set.update(range(j1 + 1, j2 + 1))
        added = frozenset(added_set)
        status = FileStatus.MODIFIED
    return ChangedFile(
        path=path,
        status=status,
        old_path=None if base_text is None else path,
        added_lines=added,
        head_text=head_text,
        head_complete=True,
    )


def workspace_from_trees(base: dict[str, str], head_changes: dict[str, str | None]) -> Workspace:
    """A workspace where ``head_changes`` (path → new text, None = deleted) is applied
    to ``base``."""
    head = dict(base)
    files: list[ChangedFile] = []
    for path, text in sorted(head_changes.items()):
        if text is None:
            head.pop(path, None)
        else:
            head[path] = text
        if base.get(path) == text:
            continue
        files.append(changed_file(path, base.get(path), text))
    return Workspace(files=files, base=DictTree(base), head=DictTree(head), has_repo=True)


def read_tree(root: Path) -> dict[str, str]:
    """All files under ``root`` as path → text."""
    if not root.is_dir():
        return {}
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def workspace_from_fixture(fixture: Path) -> Workspace:
    """A rule fixture as a workspace.

    ``bad.sql`` / ``good.sql``: one migration added by the PR, no history.
    ``bad.ts`` / ``good.ts``: one Edge Function (``supabase/functions/fixture/index.ts``) added.
    ``bad/`` / ``good/`` folder: ``base/`` (optional) and ``head/`` trees laid out like
    a bench case; ``head/`` holds the files the PR adds or modifies.
    """
    if fixture.is_dir():
        return workspace_from_trees(read_tree(fixture / "base"), dict(read_tree(fixture / "head")))
    text = fixture.read_text(encoding="utf-8")
    target = FIXTURE_MIGRATION if fixture.suffix == ".sql" else FIXTURE_FUNCTION
    return workspace_from_trees({}, {target: text})
