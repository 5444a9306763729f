"""Fixtures: the fake GitHub server, a standard PR on it, and one way to run the action."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from agents.changes import ChangedFile, Workspace
from agents.findings import SPECIALISTS, Finding, Severity
from agents.specialist import RuleOutcome
from pipeline.github.entry import execute
from pipeline.github.settings import build_settings
from tests.github.fake_github import REPO, TOKEN, FakeGitHub, Pull, PullFile, added_patch

EVENTS = Path(__file__).parent / "events"
HEAD = "ab7ea00000000000000000000000000000000007"
BASE = "ba5e000000000000000000000000000000000007"

BASE_MIGRATION = "create table public.profiles (id uuid primary key);\n"
NEW_MIGRATION = (
    "create table public.todos (id bigint primary key, owner uuid);\n"
    "alter table public.todos enable row level security;\n"
    "create policy anyone on public.todos for select using (true); -- FINDING high\n"
    "create policy mine on public.todos for update using (owner = auth.uid());\n"
)
"""Line 3 carries a finding (see ``marker_runner``)."""

BASE_PATH = "supabase/migrations/20240101000000_profiles.sql"


def base_checkout(tmp_path: Path) -> tuple[Path, str]:
    """A local git checkout holding the base migration in one commit, and that commit's sha
    (what ``actions/checkout`` leaves behind when the Action reads the base from disk)."""
    checkout = tmp_path / "checkout"
    (checkout / "supabase/migrations").mkdir(parents=True)
    (checkout / BASE_PATH).write_text(BASE_MIGRATION)
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@e",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@e",
        "HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(checkout), *args], check=True, capture_output=True, text=True, env=env
        ).stdout.strip()

    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "base")
    return checkout, git("rev-parse", "HEAD")


def marker_runner(files: Sequence[ChangedFile], workspace: Workspace) -> RuleOutcome:
    """A deterministic stand-in for the rule packs: ``FINDING <severity> [CODE]`` on a line
    (code ``TEST001`` by default; distinct codes keep findings from being grouped).

    The action's behaviour, not the rules', is under test here; this keeps the
    tests independent of rule packs that change.
    """
    findings: list[Finding] = []
    for f in files:
        for number, line in enumerate((f.head_text or "").splitlines(), start=1):
            if "FINDING " in line:
                words = line.split("FINDING ", 1)[1].split()
                severity = Severity(words[0])
                findings.append(
                    Finding(
                        specialist="rls_security",
                        severity=severity,
                        path=f.path,
                        line=number,
                        title=f"Marker finding at line {number}",
                        rule=words[1] if len(words) > 1 else "TEST001",
                        message="A line marked as a finding.",
                        help="Remove the marker.",
                    )
                )
    return RuleOutcome(findings=findings)


def no_findings(files: Sequence[ChangedFile], workspace: Workspace) -> RuleOutcome:
    return RuleOutcome()


RUNNERS: dict[Any, Any] = {s: no_findings for s in SPECIALISTS}
RUNNERS["rls_security"] = marker_runner


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def standard_pull(fake: FakeGitHub, number: int = 7, **kw: Any) -> Pull:
    """PR #7: adds one migration with a finding on line 3, on top of a base with one."""
    fake.add_commit(BASE, {"supabase/migrations/20240101000000_profiles.sql": BASE_MIGRATION})
    fake.add_commit(
        HEAD,
        {
            "supabase/migrations/20240101000000_profiles.sql": BASE_MIGRATION,
            "supabase/migrations/20240201000000_todos.sql": NEW_MIGRATION,
        },
    )
    return fake.add_pull(
        Pull(
            number=number,
            head_sha=HEAD,
            base_sha=BASE,
            files=[
                PullFile(
                    "supabase/migrations/20240201000000_todos.sql",
                    "added",
                    added_patch(NEW_MIGRATION),
                    additions=4,
                )
            ],
            **kw,
        )
    )


def event(name: str, **changes: Any) -> dict[str, Any]:
    """A payload fixture (``events/<name>.json``) with top-level keys replaced."""
    data: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    data.update(changes)
    return data


@dataclass
class Run:
    exit_code: int
    stdout: list[str]
    summary: str
    outputs: dict[str, str]
    sleeps: list[float] = field(default_factory=list)


def run_action(
    fake: FakeGitHub,
    tmp_path: Path,
    event_name: str,
    payload: dict[str, Any],
    *,
    env: dict[str, str] | None = None,
    runners: dict[Any, Any] | None = None,
    **settings: Any,
) -> Run:
    """Run ``execute`` as the Action would: environment, event file, output files."""
    event_path = tmp_path / "event.json"
    event_path.write_text(json.dumps(payload))
    summary = tmp_path / "summary.md"
    output = tmp_path / "output.txt"
    summary.write_text("")
    output.write_text("")
    environ = {
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_API_URL": fake.api_url,
        "GITHUB_SERVER_URL": fake.web_url,
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
        **(env or {}),
    }
    stdout: list[str] = []
    sleeps: list[float] = []
    code = execute(
        build_settings(environ, **settings),
        sleep=sleeps.append,
        out=stdout.append,
        runners=RUNNERS if runners is None else runners,
    )
    outputs = {}
    for line in output.read_text().splitlines():
        if "=" in line:
            key, _, value = line.partition("=")
            outputs[key] = value
    return Run(code, stdout, summary.read_text(), outputs, sleeps)
