"""The edge_reliability runner: routing of file kinds, suppression, robustness."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agents.changes import ChangedFile, FileStatus, Workspace
from agents.edge_reliability import agent
from agents.edge_reliability.context import EdgeRule
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext
from tests.helpers.workspace import workspace_from_trees

FN = "supabase/functions/hello/index.ts"

FLOATING = """\
Deno.serve(async (req) => {
  fetch("https://example.com/ping", { signal: AbortSignal.timeout(1000) });
  return new Response("ok");
});
"""


def _run(files: dict[str, str | None], base: dict[str, str] | None = None) -> agent.RuleOutcome:
    workspace = workspace_from_trees(base or {}, files)
    return agent.run_rules(workspace.files, workspace)


def test_syntax_error_is_one_low_finding_and_review_goes_on() -> None:
    broken = FLOATING.replace('return new Response("ok");', 'return new Response("ok";')
    outcome = _run({FN: broken})
    syntax = [f for f in outcome.findings if f.rule == "TS001"]
    assert len(syntax) == 1 and syntax[0].severity == Severity.LOW
    assert any(f.rule == "EDGE005" for f in outcome.findings)


def test_suppression_comment_moves_finding_with_reason() -> None:
    text = FLOATING.replace(
        '  fetch("https',
        '  // architect-review: ignore EDGE005 fire-and-forget ping is fine\n  fetch("https',
    )
    outcome = _run({FN: text})
    assert not [f for f in outcome.findings if f.rule == "EDGE005"]
    assert [(s.finding.rule, s.reason) for s in outcome.suppressed] == [
        ("EDGE005", "fire-and-forget ping is fine")
    ]


def test_suppression_for_another_code_does_not_apply() -> None:
    text = FLOATING.replace(
        '  fetch("https', '  // architect-review: ignore EDGE004 other rule\n  fetch("https'
    )
    outcome = _run({FN: text})
    assert [f.rule for f in outcome.findings] == ["EDGE005"]


def test_suppression_words_inside_a_string_do_not_count() -> None:
    text = FLOATING.replace(
        'return new Response("ok");',
        'return new Response("architect-review: ignore EDGE005 nope");',
    )
    outcome = _run({FN: text})
    assert [f.rule for f in outcome.findings] == ["EDGE005"]


def test_files_outside_functions_are_not_reviewed() -> None:
    outcome = _run({"src/lib/ping.ts": FLOATING})
    assert outcome.findings == []


def test_deleted_function_is_skipped() -> None:
    outcome = _run({FN: None}, base={FN: FLOATING})
    assert outcome.findings == []


class _Exploding(EdgeRule):
    """Raises on every file.

    ## What it does
    x
    ## Why is this bad?
    x
    ## Example
    x
    ## Use instead
    x
    ## References
    x
    """

    code = "EDGE999"
    name = "exploding"
    severity = Severity.LOW

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        raise RuntimeError("boom")


def test_a_crashing_rule_becomes_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(agent, "RULES", (*agent.RULES, _Exploding))
    outcome = _run({FN: FLOATING})
    assert [f.rule for f in outcome.findings] == ["EDGE005"]
    assert len(outcome.notes) == 1 and "EDGE999" in outcome.notes[0]


def test_verify_jwt_suppressed_by_toml_comment() -> None:
    config = (
        "[functions.hello]\n"
        "# architect-review: ignore EDGE010 public demo endpoint\n"
        "verify_jwt = false\n"
    )
    source = """\
import { createClient } from "npm:@supabase/supabase-js@2.45.4";
const key = Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!;
const admin = createClient(Deno.env.get("SUPABASE_URL")!, key);
Deno.serve(async () => {
  const { error } = await admin.from("hits").insert({ at: new Date().toISOString() });
  if (error) return new Response("no", { status: 500 });
  return new Response("ok");
});
"""
    outcome = _run({"supabase/config.toml": config, FN: source})
    assert not [f for f in outcome.findings if f.rule == "EDGE010"]
    assert [s.reason for s in outcome.suppressed] == ["public demo endpoint"]


def test_diff_only_file_skips_whole_function_checks() -> None:
    # Only the hunk is known: no OPTIONS branch visible, a syntax error from the gaps.
    text = (
        "\n\nDeno.serve(async (req) => {\n"
        '  const res = await fetch("https://example.com");\n'
        "  if (x) {\n\n"
    )
    file = ChangedFile(
        path=FN,
        status=FileStatus.MODIFIED,
        added_lines=frozenset({4}),
        head_text=text,
        head_complete=False,
    )
    outcome = agent.run_rules([file], Workspace(files=[file]))
    assert [(f.rule, f.line) for f in outcome.findings] == [("EDGE004", 4)]
    assert len(outcome.notes) == 1 and "only the diff" in outcome.notes[0]
