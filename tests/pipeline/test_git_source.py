"""GitTree and git_change against a real repository built by the test."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from agents.changes import FileStatus
from agents.errors import InputError
from pipeline.sources.diff import parse_diff
from pipeline.sources.git import GitTree, git_change


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "t@example.com")
    git(tmp_path, "config", "user.name", "t")
    (tmp_path / "db").mkdir()
    (tmp_path / "db/a.sql").write_text("select 1;\n" * 20)
    (tmp_path / "gone.sql").write_text("select 0;\n")
    (tmp_path / "img.bin").write_bytes(b"\x00\x01binary")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    git(tmp_path, "checkout", "-qb", "pr")
    git(tmp_path, "mv", "db/a.sql", "db/b.sql")
    (tmp_path / "db/b.sql").write_text("select 1;\n" * 19 + "select 2;\n")
    (tmp_path / "gone.sql").unlink()
    (tmp_path / "latin1.sql").write_bytes(b"-- caf\xe9\n")
    (tmp_path / "big.sql").write_text("x" * 5000)
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "pr")
    return tmp_path


def test_tree_lists_and_reads(repo: Path) -> None:
    head = GitTree(repo, git(repo, "rev-parse", "pr"), max_bytes=1000)
    try:
        assert head.list_files() == ["big.sql", "db/b.sql", "img.bin", "latin1.sql"]
        assert head.list_files("db/") == ["db/b.sql"]
        assert head.read_text("db/b.sql") == "select 1;\n" * 19 + "select 2;\n"
        assert head.read_text("img.bin") is None  # binary
        assert head.read_text("big.sql") is None  # over max_bytes
        assert head.read_text("missing.sql") is None
        assert head.read_text("latin1.sql") == "-- caf\ufffd\n"
    finally:
        head.close()


def test_change_has_pr_meaning(repo: Path) -> None:
    diff, base_sha, head_sha, merge_base = git_change(repo, "main", "pr")
    assert merge_base == base_sha == git(repo, "rev-parse", "main")
    assert head_sha == git(repo, "rev-parse", "pr")
    head = GitTree(repo, head_sha)
    files = {f.path: f for f in parse_diff(diff, head=head)}
    head.close()
    assert files["db/b.sql"].status is FileStatus.RENAMED
    assert files["db/b.sql"].old_path == "db/a.sql"
    assert files["db/b.sql"].added_lines == frozenset({20})
    assert files["db/b.sql"].head_complete
    assert files["gone.sql"].status is FileStatus.DELETED
    assert files["latin1.sql"].status is FileStatus.ADDED


def test_unknown_ref_is_input_error(repo: Path) -> None:
    with pytest.raises(InputError, match=r"unknown ref 'nope' in "):
        git_change(repo, "main", "nope")
    with pytest.raises(InputError, match="unknown ref"):
        git_change(repo, "--output=/tmp/x", "pr")


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a git repository"):
        git_change(tmp_path, "a", "b")
