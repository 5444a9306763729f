"""A local git repository as the source of a review.

:func:`workspace_from_git` is ``architect-review review --base --head``.
:func:`git_change` gives a range the meaning a GitHub pull request has: the
changes of ``head`` since the merge base of ``base`` and ``head``.
:class:`GitTree` is read-only access to one commit; it lists files with one
``git ls-tree`` and reads blobs through one long-lived ``git cat-file --batch``
process, so a 300-file review does not spawn 300 processes.
"""

from __future__ import annotations

import os
import subprocess
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from agents.changes import Workspace
from agents.errors import InputError

DEFAULT_MAX_BYTES = 1_000_000
"""Blobs larger than this are not read (generated dumps, fixtures)."""

_BINARY_SNIFF = 8000
"""Like git: a NUL byte in the first 8000 bytes means binary."""

MISSING_OBJECT = "content unavailable (git could not read the object: a partial or damaged clone)"
"""The skip reason of a file whose blob the repository lacks (mirrors omit large blobs)."""


def _git(repo: Path, *args: str) -> bytes:
    """Run git in ``repo``; InputError (one line) when it fails."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(repo), *args],
            capture_output=True,
            check=False,
        )
    except FileNotFoundError as exc:
        raise InputError("git is not installed or not on PATH") from exc
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", errors="replace").strip().splitlines()
        detail = message[-1] if message else f"exit status {proc.returncode}"
        raise InputError(f"git {args[0]} failed in {repo}: {detail}")
    return proc.stdout


def _ensure_repo(repo: Path) -> None:
    if not repo.is_dir():
        raise InputError(f"not a directory: {repo}")
    proc = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--git-dir"],
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        raise InputError(f"not a git repository: {repo}")


def resolve_ref(repo: Path, ref: str) -> str:
    """The commit sha ``ref`` names in ``repo``; InputError ``unknown ref`` otherwise."""
    if ref.startswith("-"):
        raise InputError(f"unknown ref {ref!r} in {repo}")
    proc = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        raise InputError(f"unknown ref {ref!r} in {repo}")
    return proc.stdout.decode().strip()


def _merge_base(repo: Path, base: str, head: str) -> tuple[str, str, str]:
    _ensure_repo(repo)
    base_sha = resolve_ref(repo, base)
    head_sha = resolve_ref(repo, head)
    proc = subprocess.run(
        ["git", "-C", str(repo), "merge-base", base_sha, head_sha],
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        raise InputError(f"no merge base between {base!r} and {head!r} in {repo}")
    return base_sha, head_sha, proc.stdout.decode().strip()


_DIFF_ARGS = (
    "-c",
    "core.quotePath=false",
    "diff",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "-M",
)


def git_change(repo: Path, base: str, head: str) -> tuple[str, str, str, str]:
    """``(diff_text, base_sha, head_sha, merge_base)`` of the PR ``base...head``.

    The diff is ``git diff -M <merge-base> <head>``: what GitHub shows on the
    PR's "Files changed" tab.  The diff text is decoded with replacement; the
    caller's parser notes files that were not UTF-8.  Files whose objects the
    repository lacks make git fail; :func:`git_change_files` leaves them out.
    """
    base_sha, head_sha, merge_base = _merge_base(repo, base, head)
    raw = _git(repo, *_DIFF_ARGS, merge_base, head_sha)
    return raw.decode("utf-8", errors="replace"), base_sha, head_sha, merge_base


@dataclass(frozen=True)
class MissingObject:
    """A changed file git cannot diff because the repository lacks one of its blobs."""

    path: str
    status: str
    """``A``dded, ``M``odified or ``D``eleted (git's raw status letter)."""


def _missing_objects(repo: Path, merge_base: str, head_sha: str) -> list[MissingObject]:
    """Changed files with a blob the repository does not have (one ``cat-file`` for all)."""
    raw = _git(repo, "diff", "--raw", "-z", "--no-renames", "--no-abbrev", merge_base, head_sha)
    fields = raw.split(b"\0")
    entries: list[tuple[str, str, list[str]]] = []
    for meta, name in zip(fields[0::2], fields[1::2], strict=False):
        parts = meta.decode().split()
        if len(parts) < 5:
            continue
        blobs = [sha for sha in (parts[2], parts[3]) if set(sha) != {"0"}]
        entries.append((name.decode("utf-8", errors="replace"), parts[4][:1], blobs))
    wanted = sorted({sha for _, _, blobs in entries for sha in blobs})
    if not wanted:
        return []
    proc = subprocess.run(
        ["git", "-C", str(repo), "cat-file", "--batch-check"],
        input="\n".join(wanted).encode() + b"\n",
        capture_output=True,
        check=False,
    )
    missing = {line.split()[0] for line in proc.stdout.decode().splitlines() if "missing" in line}
    return [MissingObject(path, status) for path, status, blobs in entries if missing & set(blobs)]


def git_change_files(
    repo: Path, base: str, head: str
) -> tuple[str, str, str, list[MissingObject]]:
    """``(diff_text, head_sha, merge_base, missing)``: like :func:`git_change`, but a file
    whose blob the repository lacks is left out of the diff and listed in ``missing``
    instead of failing the whole review."""
    _base_sha, head_sha, merge_base = _merge_base(repo, base, head)
    try:
        raw = _git(repo, *_DIFF_ARGS, merge_base, head_sha)
        return raw.decode("utf-8", errors="replace"), head_sha, merge_base, []
    except InputError:
        missing = _missing_objects(repo, merge_base, head_sha)
        if not missing:
            raise
    excluded = [f":(exclude,literal){m.path}" for m in missing]
    raw = _git(repo, *_DIFF_ARGS, merge_base, head_sha, "--", ".", *excluded)
    return raw.decode("utf-8", errors="replace"), head_sha, merge_base, missing


class _CatFile:
    """One ``git cat-file --batch`` process, used under a lock (specialists run in threads)."""

    def __init__(self, repo: Path) -> None:
        self._proc = subprocess.Popen(
            ["git", "-C", str(repo), "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._lock = threading.Lock()
        self._finalizer = weakref.finalize(self, _close_process, self._proc)

    def read(self, object_id: str) -> bytes | None:
        stdin, stdout = self._proc.stdin, self._proc.stdout
        assert stdin is not None and stdout is not None
        with self._lock:
            stdin.write(object_id.encode() + b"\n")
            stdin.flush()
            header = stdout.readline()
            if not header or header.rstrip().endswith(b"missing"):
                return None
            size = int(header.split()[2])
            data = _read_exact(stdout, size)
            stdout.read(1)  # the newline after the object
            return data

    def close(self) -> None:
        self._finalizer()


def _read_exact(stream: IO[bytes], size: int) -> bytes:
    chunks: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _close_process(proc: subprocess.Popen[bytes]) -> None:
    if proc.stdin is not None:
        proc.stdin.close()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


class GitTree:
    """The repository at one commit, implementing :class:`agents.changes.Tree`.

    Nothing runs in the constructor; the listing and the cat-file process start
    on first use.  Binary blobs and blobs over ``max_bytes`` read as None.
    """

    def __init__(self, repo: Path, sha: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.repo = repo
        self.sha = sha
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[str, int]] | None = None
        self._texts: dict[str, str | None] = {}
        self._why: dict[str, str] = {}
        self._cat: _CatFile | None = None
        self._cat_pid = 0
        self._inherited: _CatFile | None = None
        """The process that started ``_cat``: a forked worker (pipeline.prefork) must
        not write to its parent's cat-file pipe, so it starts its own."""

    def _listing(self) -> dict[str, tuple[str, int]]:
        with self._lock:
            if self._entries is None:
                raw = _git(self.repo, "ls-tree", "-r", "-z", "--long", "--full-tree", self.sha)
                entries: dict[str, tuple[str, int]] = {}
                for record in raw.split(b"\0"):
                    if not record:
                        continue
                    meta, _, name = record.partition(b"\t")
                    parts = meta.split()
                    if len(parts) < 4 or parts[1] != b"blob":
                        continue  # submodules (commit) have no content here
                    size = int(parts[3]) if parts[3].isdigit() else 0
                    path = name.decode("utf-8", errors="replace")
                    entries[path] = (parts[2].decode(), size)
                self._entries = entries
            return self._entries

    def list_files(self, prefix: str = "") -> list[str]:
        return sorted(p for p in self._listing() if p.startswith(prefix))

    def read_text(self, path: str) -> str | None:
        entry = self._listing().get(path)
        if entry is None:
            return None
        object_id, size = entry
        if size > self.max_bytes:
            from pipeline.routing import too_large

            self._why[path] = too_large(size, self.max_bytes)
            return None
        with self._lock:
            if path in self._texts:
                return self._texts[path]
            if self._cat is None or self._cat_pid != os.getpid():
                # keep a forked parent's process referenced: finalizing it here would
                # close the pipe it still uses (the worker leaves with os._exit)
                self._inherited = self._cat
                self._cat, self._cat_pid = _CatFile(self.repo), os.getpid()
            cat = self._cat
        data = cat.read(object_id)
        text: str | None = None
        if data is None:
            self._why[path] = MISSING_OBJECT
        elif b"\0" in data[:_BINARY_SNIFF]:
            self._why[path] = "binary"
        else:
            text = data.decode("utf-8", errors="replace")
        with self._lock:
            self._texts[path] = text
        return text

    def unreadable_reason(self, path: str) -> str | None:
        """Why :meth:`read_text` gave None for a file of this commit (None: it did not)."""
        if path not in self._listing():
            return None
        self.read_text(path)
        return self._why.get(path)

    def close(self) -> None:
        """Stop the cat-file process (also done when the tree is garbage collected)."""
        with self._lock:
            cat, self._cat = self._cat, None
        if cat is not None:
            cat.close()


def workspace_from_git(repo: Path, base: str, head: str, *, max_bytes: int) -> Workspace:
    """The PR ``base...head`` of ``repo``: its diff, and the trees at the merge base and head.

    A file whose blob the repository lacks is kept as an unreadable changed
    file (skipped with :data:`MISSING_OBJECT`), never an abort.  The trees keep
    a ``git cat-file`` process each; :func:`close_workspace` stops them.
    """
    from agents.changes import ChangedFile, FileStatus
    from pipeline.sources.diff import parse_diff

    diff_text, head_sha, merge_base, missing = git_change_files(repo, base, head)
    head_tree = GitTree(repo, head_sha, max_bytes=max_bytes)
    base_tree = GitTree(repo, merge_base, max_bytes=max_bytes)
    files = parse_diff(diff_text, head=head_tree)
    statuses = {"A": FileStatus.ADDED, "D": FileStatus.DELETED}
    for m in missing:
        status = statuses.get(m.status, FileStatus.MODIFIED)
        files.append(
            ChangedFile(
                path=m.path,
                status=status,
                old_path=None if status is FileStatus.ADDED else m.path,
                unreadable=None if status is FileStatus.DELETED else MISSING_OBJECT,
                notes=(MISSING_OBJECT,),
            )
        )
    files.sort(key=lambda f: f.path)
    return Workspace(files=files, base=base_tree, head=head_tree, has_repo=True)


def close_workspace(workspace: Workspace) -> None:
    """Stop the processes behind a workspace's trees (a no-op for in-memory trees)."""
    for tree in (workspace.base, workspace.head):
        if isinstance(tree, GitTree):
            tree.close()
