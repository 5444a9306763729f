"""The rule reference is generated from the docstrings, and docs/rules.md is current."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents import registry
from pipeline import cli
from pipeline.rules_doc import rules_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_docs_rules_md_is_up_to_date() -> None:
    expected = rules_markdown()
    assert DOC.read_text(encoding="utf-8") == expected, (
        "docs/rules.md is stale: run `architect-review rules --format markdown > docs/rules.md`"
    )


def test_reference_lists_every_registered_rule() -> None:
    text = rules_markdown()
    for stage in registry.STAGES:
        for rule in stage.rules:
            assert f"### {rule.code} `{rule.name}`" in text
            assert "#### What it does" in text


def test_rules_command_text_and_filter(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["rules", "--specialist", "edge_reliability"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines, "no rule listed"
    assert all("edge_reliability" in line for line in lines)


def test_unknown_stage_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["rules", "--specialist", "nobody"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("architect-review: error: no review stage is called 'nobody'")
