"""Inputs as a new user meets them: closed streams, unreadable objects, the same skip reasons
from a git range and from its diff, plain text for terminals, monorepo project layouts."""

from __future__ import annotations

import errno
import io
import json
import subprocess
from pathlib import Path

import pytest

from pipeline import cli

MIGRATION = "supabase/migrations/20240101000000_notes.sql"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def make_repo(root: Path, head: dict[str, bytes | str], base: dict[str, str] | None = None) -> Path:
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "t@example.com")
    git(root, "config", "user.name", "t")
    for path, text in {"README.md": "app\n", **(base or {})}.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "feature")
    for path, content in head.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "change")
    return root


def review_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    code = cli.main(["review", *args, "--format", "json", "--no-llm"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data: dict[str, object] = json.loads(out)
    return data


def test_closed_standard_input_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", None)  # what Python sees when fd 0 is closed
    assert cli.main(["review", "--diff", "-", "--no-llm"]) == 2
    assert "standard input is closed" in capsys.readouterr().err


def test_closed_standard_output_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    diff = tmp_path / "empty.diff"
    diff.write_text("")
    monkeypatch.setattr("sys.stdout", None)
    assert cli.main(["review", "--diff", str(diff), "--no-llm"]) == 2
    assert "standard output is closed" in capsys.readouterr().err

    class Closed(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError(errno.EBADF, "Bad file descriptor")

    monkeypatch.setattr("sys.stdout", Closed())
    assert cli.main(["rules"]) == 2
    assert "cannot write to standard output (Bad file descriptor)" in capsys.readouterr().err


def test_a_missing_git_object_skips_that_file_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {MIGRATION: "create table public.notes (id int);\n", "assets/video.mp4": b"\x00mp4" * 9},
    )
    blob = git(repo, "rev-parse", "feature:assets/video.mp4")
    (repo / ".git/objects" / blob[:2] / blob[2:]).unlink()  # as a mirror omitting big blobs
    data = review_json(["--repo", str(repo), "--base", "main", "--head", "feature"], capsys)
    stats = data["stats"]
    assert isinstance(stats, dict)
    assert stats["skipped"]["assets/video.mp4"].startswith(  # type: ignore[index]
        "content unavailable (git could not read the object"
    )
    assert stats["routed"]["rls_security"] == [MIGRATION]  # type: ignore[index]
    assert stats["incomplete"] == []  # no reviewer would have read a video


def test_git_range_and_its_diff_give_the_same_skip_reasons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {
            MIGRATION: "create table public.notes (id int);\n",
            "supabase/seed.sql": "insert into public.notes values (1);\n" * 40,
            "logo.png": b"\x89PNG\x00\x00",
            "package-lock.json": "{}\n",
        },
        base={"old.md": "old\n", "gone.txt": "bye\n"},
    )
    git(repo, "rm", "-q", "gone.txt")
    git(repo, "mv", "old.md", "renamed.md2")
    git(repo, "commit", "-qm", "more")
    (repo / ".github").mkdir()
    (repo / ".github/architect-review.yml").write_text("max_file_bytes: 1000\n")
    config = ["--config", str(repo / ".github/architect-review.yml")]
    from_git = review_json(
        ["--repo", str(repo), "--base", "main", "--head", "feature", *config], capsys
    )
    diff = tmp_path / "pr.diff"
    diff.write_text(git(repo, "diff", "-M", "main...feature") + "\n")
    from_diff = review_json(["--diff", str(diff), *config], capsys)
    skipped = from_git["stats"]["skipped"]  # type: ignore[index]
    assert skipped == from_diff["stats"]["skipped"]  # type: ignore[index]
    assert skipped == {
        "gone.txt": "deleted",
        "logo.png": "binary",
        "package-lock.json": "lock file",
        "renamed.md2": "no content change",
        "supabase/seed.sql": "too large (1,480 bytes > 1,000)",
    }


def test_text_format_is_plain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    diff = tmp_path / "pr.diff"
    diff.write_text(
        "--- /dev/null\n+++ b/supabase/migrations/1_a.sql\n@@ -0,0 +1 @@\n"
        '+create table public."<b>&amp;_x" (id int);\n'
    )
    assert cli.main(["review", "--diff", str(diff), "--format", "text", "--no-llm"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Architect review: Changes requested\n")
    assert "`public.<b>&amp;_x` is in the exposed schema" in out  # as written, no entities
    assert "&lt;" not in out and "\\_" not in out and "<details>" not in out


def test_project_layouts_from_the_config_are_routed_like_the_defaults(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = (
        "projects:\n"
        "  - root: apps/api/supabase\n"
        "    migrations: [db/migrations]\n"
        "    functions: apps/api/edge\n"
    )
    repo = make_repo(
        tmp_path / "repo",
        {
            "db/migrations/20240101000000_t.sql": "create table public.t (id int);\n",
            "apps/api/edge/hello/index.ts": 'Deno.serve(() => new Response("x"));\n',
            "scripts/report.sql": "select 1;\n",
        },
        base={".github/architect-review.yml": config},
    )
    data = review_json(["--repo", str(repo), "--base", "main", "--head", "feature"], capsys)
    stats = data["stats"]
    assert isinstance(stats, dict)
    assert stats["routed"]["edge_reliability"] == ["apps/api/edge/hello/index.ts"]  # type: ignore[index]
    assert "db/migrations/20240101000000_t.sql" in stats["routed"]["rls_security"]  # type: ignore[index]
    assert stats["projects"] == [
        {
            "root": "apps/api/supabase",
            "migrations": ["db/migrations"],
            "functions": "apps/api/edge",
            "config": "apps/api/supabase/config.toml",
        }
    ]
    notes = stats["file_notes"]
    assert isinstance(notes, dict)
    assert notes["scripts/report.sql"] == [
        "outside every Supabase project: reviewed as plain SQL, without a project's "
        "migration history"
    ]
    assert "db/migrations/20240101000000_t.sql" not in notes
