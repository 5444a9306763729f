"""Trees of the PR's base and head read through the GitHub API, lazily.

:func:`base_tree` prefers the workflow's local checkout of the base commit,
which costs no API call, and falls back to :class:`ApiTree`.

:class:`ApiTree` implements :class:`agents.changes.Tree` over
``GET /git/trees/{sha}?recursive=1`` (one call, on the first listing) and
``GET /contents/{path}?ref={sha}`` (one call per file actually read, cached), so a
review reads only what the rules ask for: the base migrations, ``config.toml``
and the shared Edge Function modules, not the whole repository.

Specialists run concurrently and share these trees, so every API use is
under one lock: PyGithub's requester is not documented as thread-safe and the
cache must not fetch a file twice.

:class:`PatchedHead` is the head tree the PR's files are parsed against: it
answers from the patch when the patch already holds the whole file (an added
file in one hunk) and only asks the API for files a reviewer will read.
"""

from __future__ import annotations

import base64
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from github.Repository import Repository

from agents.changes import Tree
from agents.errors import InputError
from pipeline.github.client import GitHubApi, NotFound

log = logging.getLogger("architect_review.github")

MAX_BLOB_BYTES = 1_000_000
"""Files larger than this are not fetched (like ``pipeline.sources.git``)."""
_BINARY_SNIFF = 8000


def decode_text(data: bytes) -> str | None:
    """UTF-8 text with replacement, or None for binary (a NUL in the first 8000 bytes)."""
    if b"\0" in data[:_BINARY_SNIFF]:
        return None
    return data.decode("utf-8", errors="replace")


@dataclass
class ApiTree:
    """The repository at ``sha`` through the API (``Tree`` protocol)."""

    api: GitHubApi
    repo: Repository
    sha: str
    label: str = "tree"
    _entries: dict[str, tuple[str, int]] | None = field(default=None, repr=False)
    _texts: dict[str, str | None] = field(default_factory=dict, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def _listing(self) -> dict[str, tuple[str, int]]:
        with self._lock:
            if self._entries is None:
                tree = self.api.call(
                    f"read the {self.label} tree",
                    lambda: self.repo.get_git_tree(self.sha, recursive=True),
                )
                entries: dict[str, tuple[str, int]] = {}
                for element in tree.tree:
                    if element.type == "blob":
                        entries[element.path] = (element.sha, element.size or 0)
                if tree.raw_data.get("truncated"):
                    log.warning(
                        "the %s tree has more entries than GitHub lists in one response; "
                        "files beyond the listing are treated as absent",
                        self.label,
                    )
                self._entries = entries
            return self._entries

    def list_files(self, prefix: str = "") -> list[str]:
        return sorted(p for p in self._listing() if p.startswith(prefix))

    def read_text(self, path: str) -> str | None:
        """The file at ``sha`` via ``get_contents(path, ref=sha)`` (one call, cached).

        No listing is needed to read a file, so reading the head of a few
        changed files costs one call each.  A 404 or a directory is None; a
        file over 1 MB (for which the contents API sends no content) is read
        as a blob when under ``MAX_BLOB_BYTES``.
        """
        with self._lock:
            if path in self._texts:
                return self._texts[path]
            if self._entries is not None and path not in self._entries:
                self._texts[path] = None
                return None
            text = self._fetch(path)
            self._texts[path] = text
            return text

    def _fetch(self, path: str) -> str | None:
        try:
            found = self.api.call(
                f"read {path} at the {self.label}",
                lambda: self.repo.get_contents(path, ref=self.sha),
            )
        except NotFound:
            return None
        if isinstance(found, list) or found.type != "file":
            return None
        if found.encoding == "base64" and found.content is not None:
            return decode_text(base64.b64decode(found.content))
        if found.size is None or found.size > MAX_BLOB_BYTES:
            return None
        blob_sha = found.sha
        blob = self.api.call(
            f"read {path} at the {self.label}", lambda: self.repo.get_git_blob(blob_sha)
        )
        return decode_text(_blob_bytes(blob.content, blob.encoding))


def _blob_bytes(content: str | None, encoding: str | None) -> bytes:
    if not content:
        return b""
    if encoding == "base64":
        return base64.b64decode(content)
    return content.encode("utf-8")


@dataclass
class PatchedHead:
    """Head tree for parsing the PR's patches.

    ``known`` holds files whose full text the patch already gave (no call);
    ``wanted`` says which other paths are worth a call (files some reviewer
    reads); everything else answers None, and ``pipeline.sources.diff`` then falls
    back to what the hunks show.
    """

    tree: Tree
    wanted: Callable[[str], bool]
    known: dict[str, str] = field(default_factory=dict)

    def list_files(self, prefix: str = "") -> list[str]:
        return self.tree.list_files(prefix)

    def read_text(self, path: str) -> str | None:
        if path in self.known:
            return self.known[path]
        if not self.wanted(path):
            return None
        return self.tree.read_text(path)


def base_tree(api: GitHubApi, repo: Repository, checkout: Path | None, base_sha: str) -> Tree:
    """The base tree from the local checkout when it holds the base commit, else the API.

    The checkout (``GITHUB_WORKSPACE``) is of the base side, never PR code.
    """
    if checkout is not None and (checkout / ".git").exists():
        from pipeline.sources.git import GitTree, resolve_ref

        try:
            resolve_ref(checkout, base_sha)
        except InputError:
            log.info(
                "architect-review: the checkout does not hold base %s; reading the base "
                "through the API",
                base_sha[:12],
            )
        else:
            log.info("architect-review: base tree from the local checkout")
            return GitTree(checkout, base_sha)
    return ApiTree(api, repo, base_sha, label="base")
