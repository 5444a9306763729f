"""End to end: the CLI talks to a local fake Messages API through ANTHROPIC_BASE_URL."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pipeline.cli import main
from tests.llm.fake_server import FakeServer, wire_message

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "invoices-pr.diff"
FUNCTION = "supabase/functions/send-invoice/index.ts"
KEY = "sk-ant-cli-test-key-42"


def example_line(text: str) -> int:
    """Head line number of the first added line of FUNCTION containing ``text``."""
    lines: list[str] = []
    inside = False
    for ln in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if ln.startswith("+++ "):
            inside = ln.endswith(FUNCTION)
        elif inside and ln.startswith("+"):
            lines.append(ln[1:])
    return next(i for i, ln in enumerate(lines, 1) if text in ln)


@dataclass
class CliRun:
    returncode: int
    stdout: str
    stderr: str


def run_cli(
    server: FakeServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str,
) -> CliRun:
    """``architect-review review --diff EXAMPLE`` in process, with the key and base URL set
    in the environment the CLI reads at entry (in process: no interpreter start-up)."""
    for name in [k for k in os.environ if k.startswith("ANTHROPIC_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
    capsys.readouterr()
    code = main(["review", "--diff", str(EXAMPLE), *args])
    out = capsys.readouterr()
    return CliRun(code, out.out, out.err)


def test_cli_review_with_claude_through_the_base_url(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    evidence = "return new Response(JSON.stringify({ sent: true, invoice: invoice.id }), {"
    line = example_line(evidence)

    def answer(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        props = body["output_config"]["format"]["schema"]["properties"]
        if "summary" in props:
            return 200, wire_message({"summary": "The invoice function trusts its input."}, 500)
        text = body["messages"][0]["content"]
        if "edge_reliability specialist" not in text:
            return 200, wire_message({"findings": []}, 800)
        finding = {
            "path": FUNCTION,
            "line": line,
            "severity": "medium",
            "title": "Invoice reported as sent but never sent",
            "message": "The handler answers sent: true without sending anything.",
            "help": "Send the invoice (or queue it) before answering, and report failures.",
            "evidence": evidence,
            "confidence": 0.8,
        }
        return 200, wire_message({"findings": [finding]}, 900, 120)

    with FakeServer(answer) as server:
        done = run_cli(server, monkeypatch, capsys, "--format", "json")
    assert done.returncode == 0, done.stderr
    review = json.loads(done.stdout)
    llm = [f for f in review["findings"] if f["source"] == "llm"]
    assert [(f["specialist"], f["line"], f["rule"]) for f in llm] == [
        ("edge_reliability", line, None)
    ]
    assert review["summary"] == "The invoice function trusts its input."
    usage = review["stats"]["llm"]["usage"]
    assert usage["requests"] == len(server.records) >= 3
    assert usage["input_tokens"] == sum(
        900
        if "edge_reliability specialist" in r.body["messages"][0]["content"]
        else 500
        if "summary" in json.dumps(r.body["output_config"])
        else 800
        for r in server.records
    )
    assert {r.authorization for r in server.records} == {f"Bearer {KEY}"}
    assert not any(KEY.encode() in r.raw for r in server.records)
    assert KEY not in done.stdout + done.stderr


def test_cli_overloaded_api_gives_rules_only_markdown_with_the_notice(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def answer(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return 529, {"type": "error", "error": {"type": "overloaded_error", "message": "busy"}}

    with FakeServer(answer) as server:
        done = run_cli(server, monkeypatch, capsys)
    assert done.returncode == 0, done.stderr
    assert "LLM review unavailable: API overloaded (HTTP 529)" in done.stdout
    assert "Missing cors preflight" in done.stdout or "CORS" in done.stdout
    assert KEY not in done.stdout + done.stderr
