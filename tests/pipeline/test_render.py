"""Markdown comment and JSON contract."""

from __future__ import annotations

import json
import re

from agents.findings import Severity, SuppressedFinding
from pipeline.render.json import render_json
from pipeline.render.links import BlobLinks
from pipeline.render.markdown import STICKY_MARKER, escape, render_markdown
from pipeline.report import Review, ReviewStats, SpecialistStats

from .factories import finding

LINKS = BlobLinks(repository="acme/app", sha="abc123")


def sample_review() -> Review:
    findings = [
        finding(severity=Severity.CRITICAL, line=14, title="Policy always true", rule="RLS002"),
        finding(severity=Severity.HIGH, line=2, rule="RLS001"),
        finding(
            path="supabase/functions/pay/index.ts",
            line=8,
            severity=Severity.MEDIUM,
            specialist="edge_reliability",
            rule="EDGE003",
            title="Missing CORS preflight",
            message="OPTIONS requests get a 405.",
            help="Answer OPTIONS with the CORS headers.",
        ),
    ]
    stats = ReviewStats(
        files_seen=4,
        routed={"rls_security": ["supabase/migrations/1_a.sql"]},
        skipped={"package-lock.json": "lock file"},
        unrouted=["README.md"],
        specialists={
            "rls_security": SpecialistStats(
                "rls_security", ["supabase/migrations/1_a.sql"], 0.25, 2
            ),
            "edge_reliability": SpecialistStats(
                "edge_reliability", ["supabase/functions/pay/index.ts"], 0.5, 1
            ),
        },
        llm_status="rules only: ANTHROPIC_API_KEY not set",
        file_notes={
            "supabase/migrations/1_a.sql": ["not valid UTF-8"],
            "package-lock.json": ["lock"],
        },
    )
    suppressed = [SuppressedFinding(finding=finding(line=30, rule="RLS009"), reason="public data")]
    return Review(findings, suppressed, "request_changes", "Three findings.", stats)


def test_markdown_structure() -> None:
    text = render_markdown(sample_review(), links=LINKS)
    assert text.startswith(STICKY_MARKER + "\n")
    assert "## Architect review: 🔴 Changes requested" in text
    assert "| ⛔ Critical | 1 |" in text
    assert "| 🔴 High | 1 |" in text
    assert "| 🟠 Medium | 1 |" in text
    assert "| 🟡 Low | 0 |" in text
    # Severity groups in rank order, each with its count.
    headings = re.findall(r"^### .*$", text, flags=re.M)
    assert headings == ["### ⛔ Critical (1)", "### 🔴 High (1)", "### 🟠 Medium (1)"]
    assert (
        "[supabase/migrations/1\\_a.sql:14]"
        "(https://github.com/acme/app/blob/abc123/supabase/migrations/1_a.sql#L14)"
    ) in text
    assert "*Fix:* Answer OPTIONS with the CORS headers." in text
    assert "<details><summary>Suppressed findings (1)</summary>" in text
    assert "reason: public data" in text
    assert "`rls_security` 1 file, 2 findings, 0.25 s" in text
    assert "`edge_reliability` 1 file, 1 finding, 0.50 s" in text
    assert "package-lock.json — lock file" in text
    assert "README.md — no specialist covers this file type" in text
    assert "<details><summary>Notes (1)</summary>" in text
    assert "- supabase/migrations/1\\_a.sql: not valid UTF-8" in text
    assert "Mode: rules only: ANTHROPIC\\_API\\_KEY not set" in text
    assert "\x1b" not in text


def test_markdown_without_links_has_plain_places() -> None:
    text = render_markdown(sample_review())
    assert "https://github.com" not in text
    assert "supabase/migrations/1\\_a.sql:14" in text


def test_hostile_text_is_escaped() -> None:
    hostile = finding(
        path="x/</details><script>alert(1)</script>|.sql",
        title="## Title\n| a | b |\n```\ncode\n```",
        message="@octocat ![img](http://evil) \x1b[31mred\x1b[0m <!-- architect-review:sticky -->",
        help="`</code><script>x</script>` and `ok_name`",
    )
    review = Review([hostile], [], "request_changes", "summary <b>", ReviewStats())
    text = render_markdown(review)
    assert "<script>" not in text
    assert "</details><script>" not in text
    assert "@octocat" not in text
    assert "\x1b" not in text
    assert "```" not in text
    assert "![img]" not in text
    assert text.count(STICKY_MARKER) == 1
    # No line of the finding starts a heading or a table row.
    assert not any(line.startswith(("## Title", "| a")) for line in text.splitlines())
    assert escape("a|b") == "a\\|b"
    # Code spans stay monospace, with their content still escaped.
    assert "<code>ok\\_name</code>" in text
    assert "<code>&lt;/code&gt;&lt;script&gt;x&lt;/script&gt;</code>" in text


def test_truncation_stays_under_cap_and_counts_the_rest() -> None:
    many = [
        finding(line=n, rule=f"R{n}", severity=sev, message="m" * 300)
        for n, sev in enumerate(
            [Severity.CRITICAL] * 50 + [Severity.MEDIUM] * 200 + [Severity.LOW] * 300
        )
    ]
    review = Review(many, [], "request_changes", "lots", ReviewStats())
    text = render_markdown(review, max_chars=20_000)
    assert len(text) <= 20_000
    assert text.count("- **Table without RLS**") < 550
    shown = text.count("- **Table without RLS**")
    match = re.search(r"\*\*(\d+) more finding\(s\) not shown\*\* \(([^)]*)\)", text)
    assert match is not None
    assert int(match.group(1)) == 550 - shown
    assert "300 low" in match.group(2)
    # The worst findings are the ones kept.
    assert "### ⛔ Critical (50)" in text
    assert text.rstrip().endswith("</sub>")


def test_default_cap_is_githubs_limit() -> None:
    many = [finding(line=n, rule=f"R{n}", message="m" * 500) for n in range(1000)]
    text = render_markdown(Review(many, [], "request_changes", "s", ReviewStats()))
    assert len(text) <= 65536
    assert "not shown" in text


def test_json_contract() -> None:
    data = json.loads(render_json(sample_review()))
    assert set(data) >= {"findings", "verdict", "summary", "stats", "suppressed"}
    assert data["verdict"] == "request_changes"
    first = data["findings"][0]
    assert set(first) >= {
        "specialist",
        "severity",
        "path",
        "line",
        "title",
        "rule",
        "message",
        "help",
        "end_line",
        "source",
        "confidence",
        "evidence",
        "fingerprint",
    }
    assert first["severity"] == "critical"
    assert first["line"] == 14
    assert data["suppressed"][0]["reason"] == "public data"
    stats = data["stats"]
    assert stats["files_seen"] == 4
    assert stats["skipped"] == {"package-lock.json": "lock file"}
    assert stats["unrouted"] == ["README.md"]
    assert stats["specialists"]["rls_security"]["seconds"] == 0.25
    assert stats["llm"]["status"] == "rules only: ANTHROPIC_API_KEY not set"


def test_failed_specialist_marks_the_review_incomplete() -> None:
    review = sample_review()
    review.stats.specialists["edge_reliability"].error = "ImportError: no module"
    text = render_markdown(review)
    assert (
        "## Architect review: 🔴 Changes requested (review incomplete: edge\\_reliability failed)"
        in text
    )
    assert "> [!WARNING]" in text
    assert "ImportError: no module" in text


def test_one_huge_finding_cannot_crowd_out_the_rest() -> None:
    huge = finding(severity=Severity.CRITICAL, message="x" * 200_000, rule="R1")
    small = finding(severity=Severity.LOW, line=9, rule="R2", title="Small one")
    text = render_markdown(Review([huge, small], [], "request_changes", "s", ReviewStats()))
    assert len(text) < 10_000
    assert "Small one" in text
    assert "not shown" not in text


def test_llm_footer_shows_usage_and_cost_and_lists_files_the_llm_skipped() -> None:
    from agents.specialist import LlmUsage

    review = sample_review()
    review.stats.llm_status = "claude (claude-sonnet-5-5)"
    review.stats.llm_model = "claude-sonnet-5-5"
    # 1M input tokens at $3 + 100k output at $15 = $4.50
    review.stats.llm_usage = LlmUsage(requests=3, input_tokens=1_000_000, output_tokens=100_000)
    review.stats.llm_unreviewed = ["supabase/functions/big/index.ts"]
    md = render_markdown(review)
    footer = md.rsplit("---", 1)[1]
    assert "3 request(s)" in footer
    assert "~$4.500 with claude-sonnet-5-5" in footer
    assert "supabase/functions/big/index.ts" in md
    assert "the LLM did not get to it" in md
    data = json.loads(render_json(review))
    assert data["stats"]["llm"]["model"] == "claude-sonnet-5-5"
    assert data["stats"]["llm"]["estimated_cost_usd"] == 4.5


def test_rules_only_review_has_no_cost_line() -> None:
    md = render_markdown(sample_review())
    assert "$" not in md.rsplit("---", 1)[1]
    assert json.loads(render_json(sample_review()))["stats"]["llm"]["estimated_cost_usd"] is None
