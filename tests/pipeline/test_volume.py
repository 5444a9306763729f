"""Grouping and volume: one finding per rule and file when it fires many times, info folded
away, counts per rule when low findings would fill the comment; the verdict never moves."""

from __future__ import annotations

import json
import re

from agents.architect.group import MIN_GROUP, group_findings
from agents.architect.merge import merge_findings, verdict_for
from agents.changes import Workspace
from agents.findings import Finding, Severity
from pipeline.render.json import render_json
from pipeline.render.layout import MAX_LISTED_LOW
from pipeline.render.markdown import render_markdown
from pipeline.render.text import render_text
from pipeline.report import Review, ReviewStats

from .factories import finding

MIG = "supabase/migrations/1_a.sql"


def tables_without_rls(
    n: int, path: str = MIG, severity: Severity = Severity.CRITICAL
) -> list[Finding]:
    return [
        finding(path=path, line=10 * i + 1, severity=severity, message=f"`public.t{i}` has no RLS.")
        for i in range(n)
    ]


def test_many_findings_of_one_rule_in_one_file_become_one_listing_its_lines() -> None:
    grouped, folded = group_findings(tables_without_rls(MIN_GROUP + 1))
    (one,) = grouped
    assert folded == MIN_GROUP
    assert one.line == 1
    assert one.lines == tuple(10 * i + 1 for i in range(MIN_GROUP + 1))
    assert one.message.startswith("`public.t0` has no RLS. The same at lines 11, 21, 31, 41, 51")
    assert one.fingerprint == tables_without_rls(1)[0].fingerprint
    assert json.loads(render_json(Review(grouped, [], "request_changes", "")))["findings"][0][
        "lines"
    ] == list(one.lines)


def test_a_few_stay_apart_and_other_files_rules_or_severities_never_merge() -> None:
    few = tables_without_rls(MIN_GROUP - 1)
    assert group_findings(few) == (few, 0)
    mixed = [
        *tables_without_rls(MIN_GROUP - 1),
        *tables_without_rls(1, path="supabase/migrations/2_b.sql"),
        *tables_without_rls(1, severity=Severity.HIGH),
        finding(rule="RLS005", line=99),
    ]
    assert group_findings(mixed) == (mixed, 0)


def test_grouping_never_changes_the_verdict() -> None:
    for severity in Severity:
        findings = tables_without_rls(MIN_GROUP * 2, severity=severity)
        grouped = merge_findings(findings, [], Workspace(files=[]))
        assert len(grouped.findings) == 1
        assert verdict_for(grouped.findings) == verdict_for(findings)


def test_json_lists_every_line_even_for_single_findings() -> None:
    data = json.loads(render_json(Review([finding(line=7)], [], "request_changes", "")))
    assert data["findings"][0]["lines"] == [7]


def _review(findings: list[Finding]) -> Review:
    verdict = verdict_for(findings)
    return Review(findings, [], verdict, "s", ReviewStats(files_seen=1))  # type: ignore[arg-type]


def test_info_findings_are_in_the_json_and_folded_away_in_the_comment() -> None:
    info = finding(severity=Severity.INFO, rule="MIG014", title="Missing lock timeout", line=4)
    medium = finding(severity=Severity.MEDIUM, rule="PERF003", title="FK without index", line=9)
    review = _review([medium, info])
    assert [f["rule"] for f in json.loads(render_json(review))["findings"]] == ["PERF003", "MIG014"]
    text = render_markdown(review)
    assert re.findall(r"^### .*$", text, flags=re.M) == ["### 🟠 Medium (1)"]
    assert "<details><summary>ℹ️ Info findings (1)</summary>" in text
    assert "INFO (1)\n  (folded away" in render_text(review)


def test_more_than_25_low_findings_are_counted_per_rule() -> None:
    lows = [
        finding(
            path=f"supabase/migrations/{i}_x.sql",
            severity=Severity.LOW,
            rule="PERF011",
            title="Varchar length limit",
            line=2,
        )
        for i in range(MAX_LISTED_LOW + 1)
    ]
    lows.append(finding(severity=Severity.LOW, rule="PERF010", title="Timestamp", line=3))
    text = render_markdown(_review(lows))
    assert "### 🟡 Low (27)" in text
    assert "| PERF011 | Varchar length limit | 26 | 26 | 26 |" in text
    assert "| PERF010 | Timestamp | 1 | 1 | 1 |" in text
    assert "Varchar length limit** ·" not in text  # not listed one by one
    assert "PERF011    26 finding(s), 26 place(s) in 26 file(s)" in render_text(_review(lows))
    assert len(render_markdown(_review(lows[:MAX_LISTED_LOW]))) > len(text)  # 25 are listed


def test_a_grouped_finding_says_how_many_places() -> None:
    grouped, _ = group_findings(tables_without_rls(MIN_GROUP))
    assert f" · {MIN_GROUP} places" in render_markdown(_review(grouped))
    assert f"[rls_security, {MIN_GROUP} places]" in render_text(_review(grouped))
