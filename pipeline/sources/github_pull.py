"""The pull request and its changed files, through the API.

:func:`pull_workspace` is what ``architect-review github`` reviews.

``GET /pulls/{n}`` gives the head and base commits; ``GET /pulls/{n}/files``
(100 per page, following GitHub's ``Link`` headers) gives each file's status
and ``patch``.  That patch is hunks only and GitHub leaves it out (or cuts it)
for large diffs.  Then the file's content at the head commit is fetched and,
for a modified file, compared with the base version to find the changed
lines, so a big migration is still reviewed on the lines the PR changed.
"""

from __future__ import annotations

import dataclasses
import difflib
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from github.File import File
from github.PullRequest import PullRequest
from github.Repository import Repository

from agents.changes import ChangedFile, FileStatus, Hunk, Tree, Workspace
from pipeline.github.client import GitHubApi
from pipeline.sources.diff import parse_file_patch
from pipeline.sources.github_trees import PatchedHead

log = logging.getLogger("architect_review.github")

PATCH_MISSING_NOTE = (
    "GitHub sent no patch (too large); changed lines were computed from the file at head"
)
_HUNK_HEADER = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


@dataclass(frozen=True)
class PullInfo:
    """The facts about the PR a review needs."""

    number: int
    head_sha: str
    base_sha: str
    draft: bool
    state: str
    merged: bool
    is_fork: bool
    """Head branch in another repository: the workflow token is read-only and has no secrets."""
    html_url: str
    changed_files: int


def fetch_pull(api: GitHubApi, repo: Repository, number: int) -> tuple[PullRequest, PullInfo]:
    """The PR object (for later calls) and its facts, in one request."""

    def load() -> tuple[PullRequest, PullInfo]:
        pr = repo.get_pull(number)
        raw = pr.raw_data  # completes the lazy object: the one GET /pulls/{n}
        head_repo = (raw.get("head") or {}).get("repo") or {}
        base_repo = (raw.get("base") or {}).get("repo") or {}
        info = PullInfo(
            number=number,
            head_sha=pr.head.sha,
            base_sha=pr.base.sha,
            draft=bool(raw.get("draft")),
            state=str(raw.get("state") or "open"),
            merged=bool(raw.get("merged")),
            is_fork=bool(head_repo) and head_repo.get("full_name") != base_repo.get("full_name"),
            html_url=str(raw.get("html_url") or ""),
            changed_files=int(raw.get("changed_files") or 0),
        )
        return pr, info

    return api.call(f"read pull request #{number}", load)


def list_files(api: GitHubApi, pr: PullRequest) -> list[File]:
    """All the PR's files, 100 per page.

    The paginated list is created once outside the retried operation:
    PyGithub keeps the pages already read and the next page's URL, so a retry
    after a rate limit on page 3 resumes at page 3 instead of starting over.
    """
    pages = pr.get_files()
    return api.call("list pull request files", lambda: list(pages))


def patch_is_complete(patch: str) -> bool:
    """True when every hunk holds as many lines as its header announces.

    GitHub cuts very large patches; a cut patch has a last hunk shorter than
    its header says (or no hunk at all).
    """
    lines = patch.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    index = 0
    seen = False
    while index < len(lines):
        match = _HUNK_HEADER.match(lines[index])
        if match is None:
            return False
        seen = True
        old_left = int(match.group(2) or "1")
        new_left = int(match.group(4) or "1")
        index += 1
        while old_left > 0 or new_left > 0:
            if index >= len(lines):
                return False
            line = lines[index]
            index += 1
            if line.startswith("\\"):
                continue
            tag = line[:1]
            if tag == "+":
                new_left -= 1
            elif tag == "-":
                old_left -= 1
            elif tag in (" ", ""):
                old_left -= 1
                new_left -= 1
            else:
                return False
        while index < len(lines) and lines[index].startswith("\\"):
            index += 1
    return seen


def added_file_text(patch: str) -> str | None:
    """The whole file when ``patch`` adds it in one hunk from line 1, else None."""
    lines = patch.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or not lines[0].startswith("@@ -0,0 +1"):
        return None
    body: list[str] = []
    newline_at_end = True
    for line in lines[1:]:
        if line.startswith("+"):
            body.append(line[1:])
        elif line.startswith("\\"):
            newline_at_end = False
        else:
            return None
    text = "\n".join(body)
    return text + "\n" if newline_at_end and body else text


def changed_lines(base_text: str | None, head_text: str) -> tuple[frozenset[int], tuple[Hunk, ...]]:
    """Head lines added or changed relative to ``base_text``, and bare hunks for them."""
    head_lines = head_text.splitlines()
    base_lines = base_text.splitlines() if base_text is not None else []
    matcher = difflib.SequenceMatcher(a=base_lines, b=head_lines, autojunk=False)
    added: set[int] = set()
    hunks: list[Hunk] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        added.update(range(j1 + 1, j2 + 1))
        hunks.append(
            Hunk(
                source_start=i1 + 1 if i2 > i1 else i1,
                source_length=i2 - i1,
                target_start=j1 + 1 if j2 > j1 else j1,
                target_length=j2 - j1,
                added=tuple((n + 1, head_lines[n]) for n in range(j1, j2)),
                removed=tuple((n + 1, base_lines[n]) for n in range(i1, i2)),
                context=(),
            )
        )
    return frozenset(added), tuple(hunks)


def to_changed_files(
    files: Sequence[File],
    head: Tree,
    base: Tree,
    wanted: Callable[[str], bool],
) -> list[ChangedFile]:
    """GitHub's file entries as ``ChangedFile``s.

    ``head`` is read only for files ``wanted`` says a reviewer will look at,
    and not at all for added files whose patch is the whole file.
    """
    known: dict[str, str] = {}
    for f in files:
        if f.status == "added" and f.patch and patch_is_complete(f.patch):
            text = added_file_text(f.patch)
            if text is not None:
                known[f.filename] = text
    patched_head = PatchedHead(head, wanted, known)
    result: list[ChangedFile] = []
    for f in files:
        patch = f.patch if f.patch and patch_is_complete(f.patch) else None
        changed = parse_file_patch(
            f.filename, patch, f.status, old_path=f.previous_filename, head=patched_head
        )
        if patch is None and changed.head_text is not None:
            changed = _with_lines_from_content(changed, base)
        result.append(changed)
    return result


def _with_lines_from_content(changed: ChangedFile, base: Tree) -> ChangedFile:
    """Changed lines of a file GitHub gave no (complete) patch for."""
    assert changed.head_text is not None
    base_text = None
    if changed.status is not FileStatus.ADDED:
        base_text = base.read_text(changed.old_path or changed.path)
    added, hunks = changed_lines(base_text, changed.head_text)
    notes = tuple(n for n in changed.notes if not n.startswith("no patch from GitHub"))
    return dataclasses.replace(
        changed,
        is_binary=False,
        hunks=hunks,
        added_lines=added,
        notes=(*notes, PATCH_MISSING_NOTE),
    )


def pull_workspace(
    api: GitHubApi,
    pr: PullRequest,
    info: PullInfo,
    base: Tree,
    head: Tree,
    wanted: Callable[[str], bool],
) -> Workspace:
    """The PR's changed files between ``base`` and ``head`` (only ``wanted`` heads are read)."""
    files = to_changed_files(list_files(api, pr), head, base, wanted)
    if info.changed_files > len(files):
        log.warning(
            "architect-review: GitHub lists %d of the PR's %d files (its API stops at 3000); "
            "the rest are not reviewed",
            len(files),
            info.changed_files,
        )
    return Workspace(files=files, base=base, head=head, has_repo=True)
