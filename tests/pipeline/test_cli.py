"""End to end through the CLI on a git repository built by the test."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from agents import registry
from agents.changes import ChangedFile, Workspace
from agents.findings import Severity
from agents.specialist import RuleOutcome, RuleRunner
from pipeline import cli

from .factories import finding

MIGRATION = "supabase/migrations/20240101000000_notes.sql"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "t@example.com")
    git(root, "config", "user.name", "t")
    (root / "README.md").write_text("app\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "feature")
    (root / "supabase/migrations").mkdir(parents=True)
    (root / MIGRATION).write_text("create table public.notes (id int);\nselect 1;\n")
    (root / "package-lock.json").write_text("{}\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "notes")
    # main moves on after the branch: the PR must not see this change.
    git(root, "checkout", "-q", "main")
    (root / "later.sql").write_text("drop table x;\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "later on main")
    return root


@pytest.fixture
def fake_rules(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Replace every rule pack by one that flags line 1 of each SQL file as high."""
    calls: list[list[str]] = []

    def load(specialist: str) -> RuleRunner:
        def run(files: Sequence[ChangedFile], ws: Workspace) -> RuleOutcome:
            calls.append([f.path for f in files])
            if specialist != "rls_security":
                return RuleOutcome()
            assert ws.has_repo
            return RuleOutcome(
                findings=[
                    finding(path=f.path, line=1, severity=Severity.HIGH)
                    for f in files
                    if f.path.endswith(".sql") and f.head_complete
                ]
            )

        return run

    doubles = {name: load(name) for name in registry.stage_names()}
    monkeypatch.setattr(registry, "STAGES", registry.with_runs(registry.STAGES, doubles))
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    return calls


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_review_git_range_json(
    repo: Path, fake_rules: list[list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(
        ["review", "--repo", str(repo), "--base", "main", "--head", "feature", "--format", "json"],
        capsys,
    )
    assert code == 0, err
    data = json.loads(out)
    assert [(f["path"], f["line"], f["severity"]) for f in data["findings"]] == [
        (MIGRATION, 1, "high")
    ]
    assert data["verdict"] == "request_changes"
    assert data["stats"]["skipped"] == {"package-lock.json": "lock file"}
    assert "later.sql" not in json.dumps(data)  # merge-base semantics
    assert data["stats"]["llm"]["status"] == "rules only: ANTHROPIC_API_KEY not set"


def test_fail_on_trips_exit_1(
    repo: Path, fake_rules: list[list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["review", "--repo", str(repo), "--base", "main", "--head", "feature"]
    assert run_cli([*args, "--fail-on", "high"], capsys)[0] == 1
    assert run_cli([*args, "--fail-on", "critical"], capsys)[0] == 0
    assert run_cli([*args, "--fail-on", "never"], capsys)[0] == 0


def test_markdown_output_to_file(
    repo: Path, fake_rules: list[list[str]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "review.md"
    code, out, _ = run_cli(
        [
            "review",
            "--repo",
            str(repo),
            "--base",
            "main",
            "--head",
            "feature",
            "--no-llm",
            "--output",
            str(target),
        ],
        capsys,
    )
    assert code == 0
    assert out == ""
    text = target.read_text()
    assert "Changes requested" in text
    assert "rules only: --no-llm" in text


def test_config_file_fail_on_is_used(
    repo: Path, fake_rules: list[list[str]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "c.yml"
    config.write_text("fail_on: medium\n")
    args = ["review", "--repo", str(repo), "--base", "main", "--head", "feature"]
    assert run_cli([*args, "--config", str(config)], capsys)[0] == 1
    assert run_cli([*args, "--config", str(config), "--fail-on", "never"], capsys)[0] == 0


def test_diff_file_and_stdin(
    repo: Path,
    fake_rules: list[list[str]],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    diff = subprocess.run(
        ["git", "-C", str(repo), "diff", "main...feature"], capture_output=True, check=True
    ).stdout
    path = tmp_path / "pr.diff"
    path.write_bytes(diff)
    code, out, _ = run_cli(["review", "--diff", str(path), "--format", "json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["stats"]["routed"]["rls_security"] == [MIGRATION]


def test_empty_change_is_nothing_to_review(
    repo: Path, fake_rules: list[list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(
        ["review", "--repo", str(repo), "--base", "feature", "--head", "feature"], capsys
    )
    assert code == 0
    assert "Nothing to review" in out
    assert fake_rules == []


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--base", "main", "--head", "no-such-branch"], "unknown ref 'no-such-branch'"),
        (["--base", "main"], "give --base and --head"),
        (["--diff", "/nonexistent/x.diff"], "diff file not found"),
        (["--base", "main", "--head", "feature", "--config", "/nonexistent.yml"], "config file"),
    ],
)
def test_usage_and_input_errors_exit_2_with_one_line(
    repo: Path, args: list[str], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["review", "--repo", str(repo), *args], capsys)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("architect-review: error: ")
    assert fragment in err


def test_not_a_repo_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(
        ["review", "--repo", str(tmp_path), "--base", "a", "--head", "b"], capsys
    )
    assert code == 2
    assert "not a git repository" in err


def test_malformed_diff_on_stdin_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "review", "--diff", "-"],
        input=b"hello, not a diff\n",
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert err.startswith("architect-review: error: not a unified diff")
    assert "Traceback" not in err


def test_bad_ref_in_a_subprocess_has_no_traceback(repo: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "review",
            "--repo",
            str(repo),
            "--base",
            "main",
            "--head",
            "nope",
            "--no-llm",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == f"architect-review: error: unknown ref 'nope' in {repo}\n"


def test_help_explains(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["review", "--help"], capsys)
    assert code == 0
    assert "--fail-on" in out and "merge base" in out
    code, out, _ = run_cli(["--help"], capsys)
    assert code == 0
    assert "exit codes" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("architect-review ")


def test_unknown_option_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["review", "--frobnicate"], capsys)
    assert code == 2
    assert "unrecognized arguments" in err


def test_github_subcommand_delegates_its_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["github", "--help"], capsys)
    assert code == 0
    assert out.startswith("usage: architect-review github")
