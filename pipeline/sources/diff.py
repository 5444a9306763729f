"""Unified diff → typed :class:`~agents.changes.ChangedFile` objects.

Three entry points:

* :func:`workspace_from_diff` for ``architect-review review --diff FILE``: a
  diff file alone, no repository;
* :func:`parse_diff` for a whole ``git diff`` / ``.diff`` text (the diff file,
  the local git range);
* :func:`parse_file_patch` for GitHub's per-file ``patch`` field, which holds
  only hunks (no ``diff --git`` / ``---`` / ``+++`` header), so headers are
  prepended before unidiff sees it.

When a head tree is known (a git commit, a GitHub ref) every file gets its real
head text.  With only a diff the head text is *reconstructed*: added and
context lines at their head line numbers, blank lines elsewhere, so rule line
numbers still match the head file; ``head_complete`` tells rules which case
they are in.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

from unidiff.errors import UnidiffParseError
from unidiff.patch import PatchedFile, PatchSet

from agents.changes import ChangedFile, DictTree, FileStatus, Hunk, Tree, Workspace
from agents.errors import InputError

NON_UTF8_NOTE = "not valid UTF-8: undecodable bytes were replaced with U+FFFD"
MODE_ONLY_NOTE = "file mode changed only; no content change"
RENAME_ONLY_NOTE = "renamed without content change"
UNREADABLE_NOTE = "head version not readable (binary, or over the size limit)"

_DIFF_STARTS = ("diff --git ", "--- ", "+++ ", "@@ ", "Binary files ", "diff --cc ")


def _decode(text: str | bytes) -> tuple[str, bool]:
    """Text of the diff and whether undecodable bytes had to be replaced."""
    if isinstance(text, str):
        return text, False
    try:
        return text.decode("utf-8"), False
    except UnicodeDecodeError:
        return text.decode("utf-8", errors="replace"), True


def read_diff(source: str, stdin: BinaryIO) -> bytes:
    """The bytes of the diff file ``source`` (``-``: ``stdin``); InputError when unreadable."""
    if source == "-":
        return stdin.read()
    try:
        return Path(source).read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"diff file not found: {source}") from exc
    except OSError as exc:
        raise InputError(f"cannot read diff {source}: {exc.strerror or exc}") from exc


def workspace_from_diff(data: str | bytes) -> Workspace:
    """The change a diff file describes, without a repository.

    The head tree is what the hunks show (see :func:`reconstruct_head`); there
    is no base tree, so history-dependent rules see an empty past.
    """
    files = parse_diff(data)
    head = DictTree(
        {
            f.path: f.head_text
            for f in files
            if f.head_text is not None and f.status is not FileStatus.DELETED
        }
    )
    return Workspace(files=files, head=head, has_repo=False)


def parse_diff(text: str | bytes, *, head: Tree | None = None) -> list[ChangedFile]:
    """Parse a unified diff into changed files (empty list for an empty diff).

    ``head``: the head tree, when known, to fill ``head_text`` with the real
    file.  Raises :class:`InputError` (one line) for text that is not a diff.
    """
    decoded, replaced = _decode(text)
    if not decoded.strip():
        return []
    try:
        patch = PatchSet(decoded)
    except UnidiffParseError as exc:
        raise InputError(f"malformed diff: {_one_line(str(exc))}") from exc
    if len(patch) == 0:
        if any(line.startswith(_DIFF_STARTS) for line in decoded.splitlines()):
            raise InputError("malformed diff: no file could be parsed from it")
        raise InputError("not a unified diff (no 'diff --git' or '---/+++' file headers found)")
    return [_changed_file(pf, head=head, replaced=replaced) for pf in patch]


def parse_file_patch(
    path: str,
    patch: str | None,
    status: str,
    old_path: str | None = None,
    head: Tree | None = None,
) -> ChangedFile:
    """One file of a GitHub pull request (``GET /pulls/N/files``) as a ChangedFile.

    ``status`` is GitHub's: added, removed, modified, renamed, copied, changed,
    unchanged.  ``patch`` is None for binary files and for patches GitHub
    truncated; the file is then kept with no hunks (and its head text from
    ``head`` when given).
    """
    file_status = _github_status(status)
    source = "/dev/null" if file_status is FileStatus.ADDED else f"a/{old_path or path}"
    target = "/dev/null" if file_status is FileStatus.DELETED else f"b/{path}"
    if not patch:
        notes = ("no patch from GitHub (binary, or too large to show)",)
        head_text = None
        if head is not None and file_status is not FileStatus.DELETED:
            head_text = head.read_text(path)
        return ChangedFile(
            path=path,
            status=file_status,
            old_path=None if file_status is FileStatus.ADDED else (old_path or path),
            is_binary=head is not None and head_text is None,
            head_text=head_text,
            head_complete=head_text is not None,
            notes=notes,
        )
    text = f"--- {source}\n+++ {target}\n{patch}"
    if not text.endswith("\n"):
        text += "\n"
    try:
        patch_set = PatchSet(text)
    except UnidiffParseError as exc:
        raise InputError(f"malformed patch for {path}: {_one_line(str(exc))}") from exc
    if len(patch_set) != 1:
        raise InputError(f"malformed patch for {path}: expected one file, got {len(patch_set)}")
    parsed = _changed_file(patch_set[0], head=head, replaced=False)
    # GitHub knows the real status and old path better than two fake headers do.
    return ChangedFile(
        path=path,
        status=file_status,
        old_path=None if file_status is FileStatus.ADDED else (old_path or path),
        is_binary=parsed.is_binary,
        hunks=parsed.hunks,
        added_lines=parsed.added_lines,
        head_text=parsed.head_text,
        head_complete=parsed.head_complete,
        notes=parsed.notes,
        metadata_only=parsed.metadata_only,
    )


def _github_status(status: str) -> FileStatus:
    mapping = {
        "added": FileStatus.ADDED,
        "removed": FileStatus.DELETED,
        "renamed": FileStatus.RENAMED,
        "copied": FileStatus.ADDED,
    }
    return mapping.get(status, FileStatus.MODIFIED)


def _one_line(text: str) -> str:
    return " ".join(text.split()) or "unknown error"


_C_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def unquote_path(name: str) -> str:
    """A path as git prints it, unquoted: ``"caf\\303\\251.sql"`` → ``café.sql``.

    git C-quotes names holding ``"``, ``\\``, control characters or (by
    default) non-ASCII bytes; the octal escapes are UTF-8 bytes.
    """
    if len(name) < 2 or not (name.startswith('"') and name.endswith('"')):
        return name
    body = name[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            octal = body[i + 1 : i + 4]
            if len(octal) == 3 and all(ch in "01234567" for ch in octal):
                out.append(int(octal, 8) & 0xFF)
                i += 4
                continue
            nxt = body[i + 1]
            out.extend(bytes([_C_ESCAPES[nxt]]) if nxt in _C_ESCAPES else nxt.encode("utf-8"))
            i += 2
            continue
        out.extend(c.encode("utf-8"))
        i += 1
    return out.decode("utf-8", errors="replace")


def _strip_prefix(name: str) -> str:
    name = unquote_path(name)
    return name[2:] if name.startswith(("a/", "b/")) else name


def _status(pf: PatchedFile) -> FileStatus:
    if pf.is_added_file:
        return FileStatus.ADDED
    if pf.is_removed_file:
        return FileStatus.DELETED
    if pf.is_rename:
        return FileStatus.RENAMED
    return FileStatus.MODIFIED


def _hunks(pf: PatchedFile) -> tuple[Hunk, ...]:
    hunks: list[Hunk] = []
    for h in pf:
        added: list[tuple[int, str]] = []
        removed: list[tuple[int, str]] = []
        context: list[tuple[int, str]] = []
        for line in h:
            value = line.value.rstrip("\r\n")
            if line.is_added and line.target_line_no is not None:
                added.append((line.target_line_no, value))
            elif line.is_removed and line.source_line_no is not None:
                removed.append((line.source_line_no, value))
            elif line.is_context and line.target_line_no is not None:
                context.append((line.target_line_no, value))
        hunks.append(
            Hunk(
                source_start=h.source_start,
                source_length=h.source_length,
                target_start=h.target_start,
                target_length=h.target_length,
                added=tuple(added),
                removed=tuple(removed),
                context=tuple(context),
            )
        )
    return tuple(hunks)


def reconstruct_head(hunks: Iterable[Hunk]) -> str:
    """Head text from hunks only: shown lines at their numbers, blank lines elsewhere."""
    lines: dict[int, str] = {}
    for h in hunks:
        for number, value in (*h.context, *h.added):
            lines[number] = value
    if not lines:
        return ""
    last = max(lines)
    return "\n".join(lines.get(n, "") for n in range(1, last + 1)) + "\n"


@runtime_checkable
class ExplainsUnreadable(Protocol):
    """A tree that can say why it could not give a file (``GitTree``)."""

    def unreadable_reason(self, path: str) -> str | None: ...


def _unreadable_reason(head: Tree, path: str) -> str | None:
    return head.unreadable_reason(path) if isinstance(head, ExplainsUnreadable) else None


def _changed_file(pf: PatchedFile, *, head: Tree | None, replaced: bool) -> ChangedFile:
    status = _status(pf)
    named = pf.target_file if status is not FileStatus.DELETED else pf.source_file
    path = _strip_prefix(named) if named and named != "/dev/null" else _strip_prefix(pf.path)
    old_path: str | None = None
    if status is not FileStatus.ADDED:
        old_path = _strip_prefix(pf.source_file) if pf.source_file != "/dev/null" else path
    hunks = _hunks(pf)
    added_lines = frozenset(n for h in hunks for n, _ in h.added)
    notes: list[str] = []
    info = "".join(pf.patch_info or [])
    metadata_only = False
    if not hunks and not pf.is_binary_file:
        if "old mode" in info and "new mode" in info:
            notes.append(MODE_ONLY_NOTE)
            metadata_only = True
        elif status is FileStatus.RENAMED:
            notes.append(RENAME_ONLY_NOTE)
            metadata_only = True
    if replaced and any("\ufffd" in v for h in hunks for _, v in (*h.added, *h.context)):
        notes.append(NON_UTF8_NOTE)

    head_text: str | None = None
    head_complete = False
    unreadable: str | None = None
    if status is not FileStatus.DELETED and not pf.is_binary_file:
        if head is not None:
            # The real tree is authoritative: a file it cannot give (binary to
            # git's eye, over the size limit) is not reviewed from a partial view.
            head_text = head.read_text(path)
            head_complete = head_text is not None
            if head_text is None:
                notes.append(UNREADABLE_NOTE)
                unreadable = _unreadable_reason(head, path)
        elif hunks:
            head_text = reconstruct_head(hunks)
            # An added file shown in one hunk from line 1 is the whole file.
            head_complete = (
                status is FileStatus.ADDED and len(hunks) == 1 and hunks[0].source_length == 0
            )
    return ChangedFile(
        path=path,
        status=status,
        old_path=old_path,
        is_binary=bool(pf.is_binary_file),
        hunks=hunks,
        added_lines=added_lines,
        head_text=head_text,
        head_complete=head_complete,
        notes=tuple(notes),
        metadata_only=metadata_only,
        unreadable=unreadable,
    )
