"""The bundled example PR gives the review the README promises, with the real rule packs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline import cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DIFF = EXAMPLES / "invoices-pr.diff"
MIGRATION = "supabase/migrations/20240611101500_create_invoices.sql"
FUNCTION = "supabase/functions/send-invoice/index.ts"


def review_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    code = cli.main(["review", *args, "--format", "json", "--no-llm"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""  # no warnings, no noise on stderr
    data: dict[str, object] = json.loads(out)
    return data


def places(data: dict[str, object]) -> set[tuple[str | None, str, int | None]]:
    findings = data["findings"]
    assert isinstance(findings, list)
    return {(f["rule"], f["path"], f["line"]) for f in findings}


def test_example_diff_review(capsys: pytest.CaptureFixture[str]) -> None:
    data = review_json(["--diff", str(DIFF)], capsys)
    found = places(data)
    assert ("RLS001", MIGRATION, 21) in found  # invoice_items without RLS
    assert ("RLS005", MIGRATION, 14) in found  # using (true)
    assert ("PERF001", MIGRATION, 18) in found  # bare auth.uid()
    assert ("EDGE001", FUNCTION, 8) in found  # no CORS preflight
    assert data["verdict"] == "request_changes"
    stats = data["stats"]
    assert isinstance(stats, dict)
    assert stats["errors"] == []


def test_example_as_a_git_range_also_sees_the_locking_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "invoices"
    shutil.copytree(EXAMPLES / "invoices-base", repo)

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "add", "-A")
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "base")
    git("checkout", "-qb", "invoices")
    git("apply", str(DIFF))
    git("add", "-A")
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "invoices")
    data = review_json(["--repo", str(repo), "--base", "main", "--head", "invoices"], capsys)
    assert ("MIG001", MIGRATION, 28) in places(data)
