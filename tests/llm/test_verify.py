"""verify_llm_findings: grounded, in scope and new, or not published."""

from __future__ import annotations

from typing import Any

from agents.architect.verify import verify_llm_findings
from agents.findings import Finding, Severity
from tests.helpers.workspace import workspace_from_trees

MIGRATION = "supabase/migrations/20240101000000_jobs.sql"
BASE_SQL = "create table jobs (\n  id uuid primary key,\n  installer_id uuid\n);\n"
HEAD_SQL = BASE_SQL + (
    "alter table jobs enable row level security;\n"
    "create policy jobs_read on jobs for select\n"
    "  to authenticated\n"
    "  using ( installer_id is not null );\n"
)
# Lines: 1 create table, 2 id, 3 installer_id, 4 ");", 5 alter, 6 create policy, 7 to, 8 using


def workspace() -> Any:
    return workspace_from_trees({MIGRATION: BASE_SQL}, {MIGRATION: HEAD_SQL})


def llm(line: int | None, evidence: str | None, **kw: Any) -> Finding:
    values: dict[str, Any] = {
        "specialist": "rls_security",
        "severity": Severity.HIGH,
        "path": MIGRATION,
        "line": line,
        "title": "Policy lets every installer read every job",
        "message": "The predicate does not compare installer_id with the caller.",
        "help": "using (installer_id = (select auth.uid()))",
        "source": "llm",
        "confidence": 0.9,
        "evidence": evidence,
    }
    values.update(kw)
    return Finding(**values)


def test_grounded_finding_on_changed_line_is_kept() -> None:
    result = verify_llm_findings([llm(8, "using ( installer_id is not null );")], workspace(), [])
    assert [f.line for f in result.kept] == [8]
    assert (result.dropped, result.merged) == (0, 0)


def test_evidence_matches_with_whitespace_normalised_and_a_line_or_two_off() -> None:
    result = verify_llm_findings(
        [llm(6, "using   (installer_id is not null)".replace("(i", "( i").replace("l)", "l )"))],
        workspace(),
        [],
    )
    assert len(result.kept) == 1


def test_multi_line_evidence_with_our_line_number_prefix_is_found() -> None:
    evidence = "    6+| create policy jobs_read on jobs for select\n    7+|   to authenticated"
    assert len(verify_llm_findings([llm(6, evidence)], workspace(), []).kept) == 1


def test_hallucinated_evidence_is_dropped_and_counted() -> None:
    result = verify_llm_findings([llm(8, "using (true)")], workspace(), [])
    assert result.kept == []
    assert result.dropped == 1
    assert "evidence not found" in result.dropped_reasons[0]


def test_real_code_cited_far_from_its_line_is_dropped() -> None:
    # The text exists (line 8) but the finding claims line 1: more than 3 lines away.
    result = verify_llm_findings([llm(1, "installer_id is not null")], workspace(), [])
    assert (len(result.kept), result.dropped) == (0, 1)


def test_unchanged_lines_are_out_of_scope_unless_critical() -> None:
    outside = llm(3, "installer_id uuid")
    critical = llm(3, "installer_id uuid", severity=Severity.CRITICAL)
    result = verify_llm_findings([outside, critical], workspace(), [])
    assert [f.severity for f in result.kept] == [Severity.CRITICAL]
    assert result.dropped == 1
    assert "outside the PR's changed lines" in result.dropped_reasons[0]


def test_duplicate_of_rule_finding_is_merged_and_rule_finding_untouched() -> None:
    rule = Finding(
        specialist="rls_security",
        severity=Severity.MEDIUM,
        path=MIGRATION,
        line=8,
        title="Policy predicate does not identify the caller",
        rule="RLS999",
    )
    before = rule.model_dump()
    result = verify_llm_findings(
        [llm(7, "to authenticated", severity=Severity.LOW)], workspace(), [rule]
    )
    assert result.kept == []
    assert result.merged == 1
    assert result.merged_into[0][0] == rule.fingerprint
    assert rule.model_dump() == before


def test_other_specialist_nearby_with_different_meaning_is_not_merged() -> None:
    rule = Finding(
        specialist="schema_performance",
        severity=Severity.MEDIUM,
        path=MIGRATION,
        line=8,
        title="Policy column installer_id has no index",
        rule="PERF999",
    )
    result = verify_llm_findings([llm(8, "installer_id is not null")], workspace(), [rule])
    assert len(result.kept) == 1


def test_two_llm_findings_saying_the_same_thing_become_one() -> None:
    a = llm(8, "installer_id is not null")
    b = llm(7, "to authenticated", title="Every installer reads every job")
    result = verify_llm_findings([a, b], workspace(), [])
    assert (len(result.kept), result.merged) == (1, 1)


def test_llm_cannot_claim_a_rule_code() -> None:
    result = verify_llm_findings(
        [llm(8, "installer_id is not null", rule="RLS001", source="rule")], workspace(), []
    )
    assert result.kept[0].rule is None
    assert result.kept[0].source == "llm"


def test_low_confidence_and_missing_evidence_are_dropped() -> None:
    result = verify_llm_findings(
        [llm(8, "installer_id is not null", confidence=0.2), llm(8, None), llm(8, "  ")],
        workspace(),
        [],
    )
    assert (len(result.kept), result.dropped) == (0, 3)


def test_findings_on_files_not_in_head_are_dropped() -> None:
    ws = workspace_from_trees({"supabase/migrations/old.sql": "select 1;\n"}, {})
    ws2 = workspace_from_trees(
        {"supabase/migrations/old.sql": "select 1;\n"}, {"supabase/migrations/old.sql": None}
    )
    for w in (ws, ws2):
        result = verify_llm_findings(
            [llm(1, "select 1;", path="supabase/migrations/old.sql")], w, []
        )
        assert result.dropped == 1


def test_line_out_of_range_is_dropped() -> None:
    result = verify_llm_findings([llm(400, "installer_id is not null")], workspace(), [])
    assert result.dropped == 1


def test_finding_without_line_gets_the_evidence_line() -> None:
    result = verify_llm_findings(
        [llm(None, "alter table jobs enable row level security;")], workspace(), []
    )
    assert [f.line for f in result.kept] == [5]
