"""The LangGraph graph: fan-out, concurrency, failure isolation, the LLM hook.

Concurrency is asserted by overlap, never by wall-clock time: each branch
waits at a barrier the others must also reach, so branches that ran one after
another would time out (a generous timeout that only a real bug can hit).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

from agents.changes import ChangedFile, Workspace
from agents.findings import SPECIALISTS, Finding, Severity, Specialist, SuppressedFinding
from agents.specialist import LlmOutcome, LlmUsage, RuleOutcome, RuleRunner
from pipeline.config import Config
from pipeline.review import arun_review, run_review
from tests.helpers.workspace import workspace_from_trees

from .factories import finding

MIGRATION = "supabase/migrations/1_a.sql"
FUNCTION = "supabase/functions/f/index.ts"

RULES_ONLY = Config(database="off")
"""These tests count the specialists' findings; the database stage has its own
(tests/database, tests/pipeline/test_database_wiring.py)."""


def workspace() -> Workspace:
    return workspace_from_trees(
        {},
        {
            MIGRATION: "create table t (id int);\n",
            FUNCTION: 'Deno.serve(() => new Response("x"));\n',
            "README.md": "hi\n",
        },
    )


OVERLAP_TIMEOUT = 30.0
"""Seconds a branch waits for the others at the barrier: only reached when they do not overlap."""


def recording_runner(
    specialist: Specialist, seen: dict[str, list[str]], barrier: threading.Barrier | None = None
) -> RuleRunner:
    def run(files: Sequence[ChangedFile], ws: Workspace) -> RuleOutcome:
        seen[specialist] = [f.path for f in files]
        if barrier is not None:
            barrier.wait()  # BrokenBarrierError (a recorded error) unless all three overlap
        return RuleOutcome(
            findings=[
                finding(
                    path=files[0].path,
                    line=1,
                    specialist=specialist,
                    rule=specialist[:3],
                    title=f"{specialist} problem",
                )
            ],
            notes=[f"{specialist} note"],
        )

    return run


def test_each_specialist_gets_only_its_files() -> None:
    seen: dict[str, list[str]] = {}
    runners = {s: recording_runner(s, seen) for s in SPECIALISTS}
    review = run_review(workspace(), RULES_ONLY, runners=runners)
    assert seen == {
        "rls_security": [MIGRATION],
        "schema_performance": [FUNCTION, MIGRATION],
        "edge_reliability": [FUNCTION],
    }
    assert len(review.findings) == 3
    assert review.stats.unrouted == ["README.md"]
    assert review.stats.specialists["rls_security"].notes == ["rls_security note"]
    assert review.stats.files_seen == 3


def test_three_rule_packs_run_concurrently() -> None:
    seen: dict[str, list[str]] = {}
    barrier = threading.Barrier(len(SPECIALISTS), timeout=OVERLAP_TIMEOUT)
    runners = {s: recording_runner(s, seen, barrier) for s in SPECIALISTS}
    review = run_review(workspace(), RULES_ONLY, runners=runners)
    assert review.stats.errors == []
    assert len(review.findings) == 3


class SlowLlm:
    """An LLM reviewer double that finds nothing and, with ``overlap``, returns only once
    that many reviews are in flight at the same time."""

    def __init__(self, overlap: int = 0) -> None:
        self.calls: list[tuple[str, int]] = []
        self.overlap = overlap
        self.in_flight = 0
        self.max_in_flight = 0

    async def review(
        self,
        specialist: Specialist,
        files: Sequence[ChangedFile],
        workspace: Workspace,
        rule_findings: Sequence[Finding],
    ) -> LlmOutcome:
        self.calls.append((specialist, len(rule_findings)))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        if self.overlap:

            async def all_in() -> None:
                while self.max_in_flight < self.overlap:
                    await asyncio.sleep(0.01)

            await asyncio.wait_for(all_in(), OVERLAP_TIMEOUT)
        self.in_flight -= 1
        return LlmOutcome(usage=LlmUsage(requests=1, input_tokens=100, output_tokens=10))

    async def summarise(self, findings: Sequence[Finding]) -> tuple[str | None, LlmUsage]:
        return "Claude's summary.", LlmUsage(requests=1, input_tokens=5, output_tokens=5)


def test_three_llm_calls_run_concurrently() -> None:
    seen: dict[str, list[str]] = {}
    runners = {s: recording_runner(s, seen) for s in SPECIALISTS}
    llm = SlowLlm(overlap=len(SPECIALISTS))
    review = asyncio.run(
        arun_review(workspace(), RULES_ONLY, llm=llm, llm_status="claude (test)", runners=runners)
    )
    assert llm.max_in_flight == len(SPECIALISTS)
    assert all(s.llm_error is None for s in review.stats.specialists.values())
    assert sorted(llm.calls) == [
        ("edge_reliability", 1),
        ("rls_security", 1),
        ("schema_performance", 1),
    ]
    assert review.summary == "Claude's summary."
    assert review.stats.llm_usage.requests == 4
    assert review.stats.llm_status == "claude (test)"


def test_a_crashing_rule_pack_loses_only_its_own_findings() -> None:
    seen: dict[str, list[str]] = {}

    def broken(files: Sequence[ChangedFile], ws: Workspace) -> RuleOutcome:
        raise RuntimeError("boom\nsecond line")

    runners: dict[str, RuleRunner] = {
        "rls_security": broken,
        "schema_performance": recording_runner("schema_performance", seen),
        "edge_reliability": recording_runner("edge_reliability", seen),
    }
    review = run_review(workspace(), RULES_ONLY, runners=runners)
    assert {f.specialist for f in review.findings} == {"schema_performance", "edge_reliability"}
    assert review.stats.specialists["rls_security"].error == "RuntimeError: boom second line"
    assert review.stats.errors == ["rls_security: RuntimeError: boom second line"]


def test_suppressed_findings_and_dedupe_flow_through() -> None:
    dup = finding(path=MIGRATION, line=1, severity=Severity.MEDIUM, rule="RLS001")

    def rls(files: Sequence[ChangedFile], ws: Workspace) -> RuleOutcome:
        return RuleOutcome(
            findings=[dup, dup.model_copy(update={"severity": Severity.HIGH})],
            suppressed=[SuppressedFinding(finding=dup, reason="ok")],
        )

    def nothing(files: Sequence[ChangedFile], ws: Workspace) -> RuleOutcome:
        return RuleOutcome()

    runners: dict[str, RuleRunner] = {
        "rls_security": rls,
        "schema_performance": nothing,
        "edge_reliability": nothing,
    }
    review = run_review(workspace(), RULES_ONLY, runners=runners)
    assert [f.severity for f in review.findings] == [Severity.HIGH]
    assert review.stats.duplicates_merged == 1
    assert [s.reason for s in review.suppressed] == ["ok"]
    assert review.verdict == "request_changes"


def test_no_routed_file_goes_straight_to_the_architect() -> None:
    ws = workspace_from_trees({}, {"docs/x.md": "hi\n"})
    review = run_review(ws, Config(), runners={})
    assert review.findings == []
    assert review.verdict == "approve"
    assert review.stats.specialists == {}
    assert review.stats.unrouted == ["docs/x.md"]


def test_settings_reach_the_workspace() -> None:
    captured: list[dict[str, object]] = []

    def grab(files: Sequence[ChangedFile], ws: Workspace) -> RuleOutcome:
        captured.append(ws.settings)
        return RuleOutcome()

    config = Config(settings={"rls_security": {"exposed_schemas": ["public"]}})
    run_review(
        workspace(),
        config,
        runners={"rls_security": grab, "schema_performance": grab, "edge_reliability": grab},
    )
    assert captured and all(
        c == {"rls_security": {"exposed_schemas": ["public"]}} for c in captured
    )


class FindingLlm(SlowLlm):
    """Claims one grounded finding and one hallucinated one, for rls_security only."""

    async def review(
        self,
        specialist: Specialist,
        files: Sequence[ChangedFile],
        workspace: Workspace,
        rule_findings: Sequence[Finding],
    ) -> LlmOutcome:
        if specialist != "rls_security":
            return LlmOutcome()
        grounded = Finding(
            specialist="rls_security",
            severity=Severity.MEDIUM,
            path=MIGRATION,
            line=1,
            title="Table has no owner column",
            source="llm",
            confidence=0.9,
            evidence="create table t (id int);",
        )
        invented = grounded.model_copy(
            update={"title": "Something else", "evidence": "drop table users;"}
        )
        return LlmOutcome(findings=[grounded, invented])


def test_llm_findings_are_verified_by_the_architect() -> None:
    def nothing(files: Sequence[ChangedFile], ws: Workspace) -> RuleOutcome:
        return RuleOutcome()

    runners: dict[str, RuleRunner] = dict.fromkeys(SPECIALISTS, nothing)
    review = run_review(workspace(), RULES_ONLY, llm=FindingLlm(), runners=runners)
    assert [(f.title, f.source, f.rule) for f in review.findings] == [
        ("Table has no owner column", "llm", None)
    ]
    assert review.stats.llm_dropped == 1
    assert review.verdict == "comment"


def test_the_rules_only_graph_of_the_registry_is_compiled_once() -> None:
    from agents import registry
    from pipeline.graph import build_graph

    first = build_graph()
    assert build_graph() is first and build_graph(stages=registry.STAGES) is first
    # any other set of stages (a test double, an extra stage) gets its own graph
    assert build_graph(stages=registry.STAGES[:1]) is not first
