"""A review says what it could not do: never a green "no problems" when nothing or only part
of the change was reviewed; the footer says "rules only" when Claude gave nothing back."""

from __future__ import annotations

from collections.abc import Sequence

from agents import registry
from agents.changes import ChangedFile, FileStatus, Workspace
from agents.findings import Finding, Specialist
from agents.specialist import LlmOutcome, LlmUsage, RuleOutcome, RuleRunner
from pipeline.config import Config
from pipeline.render.markdown import render_markdown
from pipeline.render.text import render_text
from pipeline.review import run_review
from tests.helpers.workspace import workspace_from_trees

MIG = "supabase/migrations/20240101000000_a.sql"


def _nothing(files: Sequence[ChangedFile], ws: Workspace) -> RuleOutcome:
    return RuleOutcome()


NO_RULES: dict[str, RuleRunner] = dict.fromkeys(registry.stage_names(), _nothing)
"""Every stage (the database stage too) replaced: these tests are about the review's honesty,
not what any stage finds."""


def test_a_stage_that_could_not_review_part_of_a_file_makes_the_review_incomplete() -> None:
    def unparsed(files: Sequence[ChangedFile], ws: Workspace) -> RuleOutcome:
        return RuleOutcome(incomplete=[f"{MIG}: does not parse after line 3; not reviewed"])

    ws = workspace_from_trees({}, {MIG: "create table t (id int);\ncreate tabel x;\n"})
    review = run_review(ws, Config(), runners={**NO_RULES, "rls_security": unparsed})
    assert review.findings == []
    assert review.verdict == "comment"  # never "approve" on an incomplete review
    assert review.stats.incomplete == [f"{MIG}: does not parse after line 3; not reviewed"]
    assert review.stats.specialists["rls_security"].incomplete == review.stats.incomplete
    assert review.summary.startswith("No problems found in what could be reviewed.")
    text = render_markdown(review)
    assert "## Architect review: ⚠️ Review incomplete" in text
    assert "does not parse after line 3" in text
    assert "No blocking problems" not in text
    assert render_text(review).startswith("Architect review: Review incomplete\n")


def test_a_failed_stage_is_an_incomplete_review() -> None:
    def broken(files: Sequence[ChangedFile], ws: Workspace) -> RuleOutcome:
        raise RuntimeError("boom")

    ws = workspace_from_trees({}, {MIG: "create table t (id int);\n"})
    review = run_review(ws, Config(), runners={**NO_RULES, "schema_performance": broken})
    assert review.stats.incomplete == ["schema_performance failed (RuntimeError: boom)"]
    assert review.verdict == "comment"
    assert "⚠️ Review incomplete: schema\\_performance failed" in render_markdown(review)


def test_a_change_nothing_reviews_says_so() -> None:
    ws = workspace_from_trees({}, {"docs/intro.md": "hello\n", "package-lock.json": "{}\n"})
    review = run_review(ws, Config(), runners=NO_RULES)
    assert review.complete and review.verdict == "approve"
    assert review.summary.startswith("Nothing was reviewed")
    assert "## Architect review: ⚪ Nothing reviewed" in render_markdown(review)


def test_an_unreadable_migration_is_skipped_with_its_reason_and_marks_the_review() -> None:
    binary = ChangedFile(path=MIG, status=FileStatus.ADDED, is_binary=True)
    readme = workspace_from_trees({}, {"README.md": "x\n"}).files[0]
    review = run_review(Workspace(files=[binary, readme]), Config(), runners=NO_RULES)
    assert review.stats.skipped == {MIG: "binary"}
    assert review.stats.incomplete == [f"{MIG}: not reviewed, binary"]
    assert review.verdict == "comment"


def test_a_lock_file_skipped_on_purpose_does_not_make_it_incomplete() -> None:
    ws = workspace_from_trees({}, {MIG: "select 1;\n", "package-lock.json": "{}\n"})
    review = run_review(ws, Config(), runners=NO_RULES)
    assert review.stats.skipped == {"package-lock.json": "lock file"}
    assert review.complete


class _FailingLlm:
    async def review(
        self,
        specialist: Specialist,
        files: Sequence[ChangedFile],
        workspace: Workspace,
        rule_findings: Sequence[Finding],
    ) -> LlmOutcome:
        return LlmOutcome(error="API overloaded (HTTP 529)", unreviewed=[f.path for f in files])

    async def summarise(self, findings: Sequence[Finding]) -> tuple[str | None, LlmUsage]:
        return None, LlmUsage()


def test_footer_says_rules_only_when_every_llm_call_failed() -> None:
    ws = workspace_from_trees({}, {MIG: "create table t (id int);\n"})
    review = run_review(
        ws, Config(), llm=_FailingLlm(), llm_status="claude (claude-sonnet-5-5)", runners=NO_RULES
    )
    assert review.stats.llm_status == (
        "rules only: every LLM call failed (API overloaded (HTTP 529))"
    )
    assert "Mode: rules only: every LLM call failed" in render_markdown(review)
