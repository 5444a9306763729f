"""The workflow and the composite action: linted, and checked for what security needs.

zizmor (security audit, offline) and actionlint (correctness) must both be
clean.  The two zizmor findings that remain are silenced in the files with an
ignore comment and a justification next to it; this test allows exactly those.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github/workflows/architect-review.yml"
ACTION = ROOT / "action.yml"
ALLOWED_IGNORES = {"dangerous-triggers", "self-repository"}
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")


def tool(name: str) -> str:
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed in the venv (dev dependency)")
    return found


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_zizmor_offline_is_clean() -> None:
    proc = subprocess.run(
        [tool("zizmor"), "--offline", "--no-progress", str(ACTION), str(WORKFLOW)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings to report" in proc.stdout


def test_only_justified_zizmor_ignores() -> None:
    for path in (ACTION, WORKFLOW):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            for rule in re.findall(r"zizmor: ignore\[([\w-]+)\]", line):
                assert rule in ALLOWED_IGNORES, f"{path.name}:{number + 1} ignores {rule}"
                above = [x.strip() for x in lines[max(0, number - 4) : number]]
                assert any(x.startswith("#") for x in above), (
                    f"{path.name}:{number + 1}: justify {rule} in a comment just above"
                )


def test_actionlint_is_clean() -> None:
    proc = subprocess.run(
        [tool("actionlint"), "-no-color", str(WORKFLOW.relative_to(ROOT))],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_workflow_triggers_permissions_and_concurrency() -> None:
    wf = load(WORKFLOW)
    triggers: dict[str, Any] = wf["on"] if "on" in wf else wf[True]  # YAML 1.1: `on` is True
    assert set(triggers) == {"pull_request", "issue_comment", "workflow_dispatch"}
    assert "pull_request_target" not in triggers
    assert triggers["pull_request"]["types"] == [
        "opened",
        "synchronize",
        "reopened",
        "ready_for_review",
    ]
    assert triggers["workflow_dispatch"]["inputs"]["pr_number"]["required"] is True
    assert wf["permissions"] == {}
    (job,) = wf["jobs"].values()
    assert job["permissions"] == {
        "contents": "read",
        "pull-requests": "write",
        "issues": "write",
    }
    assert "startsWith(github.event.comment.body, '/architect')" in job["if"]
    assert "github.event.issue.pull_request" in job["if"]
    assert "!github.event.pull_request.draft" in job["if"]
    assert job["concurrency"]["cancel-in-progress"] is True
    assert "github.event.pull_request.number" in job["concurrency"]["group"]
    assert "github.event.issue.number" in job["concurrency"]["group"]


def test_workflow_checks_out_the_base_only_without_credentials() -> None:
    (job,) = load(WORKFLOW)["jobs"].values()
    checkouts = [s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/checkout")]
    assert len(checkouts) == 1
    with_ = checkouts[0]["with"]
    assert with_["persist-credentials"] is False
    assert "head" not in with_["ref"] and "base.sha" in with_["ref"]


def test_every_remote_action_is_pinned_by_sha() -> None:
    steps = [*load(WORKFLOW)["jobs"]["review"]["steps"], *load(ACTION)["runs"]["steps"]]
    for step in steps:
        uses = step.get("uses")
        if uses is None or uses.startswith("./"):
            continue
        assert PINNED.match(uses), uses


def test_action_inputs_outputs_and_no_interpolation_in_scripts() -> None:
    action = load(ACTION)
    assert set(action["inputs"]) >= {
        "github-token",
        "anthropic-api-key",
        "model",
        "fail-on",
        "config",
        "inline-comments",
    }
    assert action["inputs"]["github-token"]["default"] == "${{ github.token }}"
    assert set(action["outputs"]) >= {
        "verdict",
        "critical",
        "high",
        "medium",
        "low",
        "info",
        "comment-url",
    }
    assert action["runs"]["using"] == "composite"
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step.get("name")
    review = next(s for s in action["runs"]["steps"] if s.get("id") == "review")
    assert review["run"].strip().endswith('/bin/architect-review" github')
    assert review["env"]["GITHUB_TOKEN"] == "${{ inputs.github-token }}"


def test_the_documented_workflow_lints_clean(tmp_path: Path) -> None:
    """The copy-paste workflow in docs/github-action.md passes both linters too."""
    doc = (ROOT / "docs/github-action.md").read_text(encoding="utf-8")
    snippet = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert "OWNER/architect-review@<commit-sha>" in snippet
    snippet = snippet.replace(
        "OWNER/architect-review@<commit-sha>", "octo/architect-review@" + "0" * 40
    )
    workflows = tmp_path / ".github/workflows"
    workflows.mkdir(parents=True)
    target = workflows / "architect-review.yml"
    target.write_text(snippet, encoding="utf-8")
    wf = load(target)
    (job,) = wf["jobs"].values()
    assert job["permissions"] == load(WORKFLOW)["jobs"]["review"]["permissions"]
    zizmor = subprocess.run(
        [tool("zizmor"), "--offline", "--no-progress", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert zizmor.returncode == 0, zizmor.stdout + zizmor.stderr
    actionlint = subprocess.run(
        [tool("actionlint"), "-no-color", ".github/workflows/architect-review.yml"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert actionlint.returncode == 0, actionlint.stdout + actionlint.stderr
