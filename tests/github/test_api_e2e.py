"""The API side end to end: pagination, missing patches, trees, failures, limits."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from agents.changes import ChangedFile, Workspace
from agents.findings import SPECIALISTS, Finding, Severity
from agents.specialist import RuleOutcome
from pipeline.github.publish import COMMENT_LIMIT
from pipeline.render.markdown import STICKY_MARKER
from pipeline.sources.github_pull import PATCH_MISSING_NOTE
from tests.github.conftest import (
    BASE,
    BASE_MIGRATION,
    HEAD,
    RUNNERS,
    base_checkout,
    event,
    marker_runner,
    no_findings,
    run_action,
    standard_pull,
)
from tests.github.fake_github import FakeGitHub, Fault, Pull, PullFile, added_patch

SECONDARY = {
    "message": "You have exceeded a secondary rate limit. Please wait a few minutes before "
    "you try again.",
    "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
}


def many_files_pull(fake: FakeGitHub, count: int) -> list[str]:
    head: dict[str, str] = {}
    files: list[PullFile] = []
    for i in range(count):
        path = f"supabase/migrations/2024{i:010d}_m.sql"
        text = f"create table public.t{i} (id bigint primary key);\n"
        if i == count - 1:
            text += "select 1; -- FINDING medium\n"
        head[path] = text
        files.append(PullFile(path, "added", added_patch(text), additions=text.count("\n")))
    fake.add_commit(BASE, {})
    fake.add_commit(HEAD, head)
    fake.add_pull(Pull(7, HEAD, BASE, files))
    return sorted(head)


def test_250_files_are_read_across_three_pages(fake: FakeGitHub, tmp_path: Path) -> None:
    seen: list[str] = []

    def recorder(files: Sequence[ChangedFile], workspace: Workspace) -> RuleOutcome:
        seen.extend(f.path for f in files)
        return marker_runner(files, workspace)

    paths = many_files_pull(fake, 250)
    run = run_action(
        fake,
        tmp_path,
        "pull_request",
        event("pull_request.opened"),
        runners={**RUNNERS, "rls_security": recorder},
    )

    pages = fake.requests("GET", r"/repos/octo/app/pulls/7/files")
    assert [(r.query.get("page"), r.query.get("per_page")) for r in pages] == [
        (None, "100"),
        ("2", "100"),
        ("3", "100"),
    ]
    assert sorted(seen) == paths
    # The finding on the last file (page 3) made it into the review.
    assert run.outputs["medium"] == "1"
    # Added files in one hunk are complete in their patch: no content fetched.
    assert not fake.requests("GET", r"/repos/octo/app/contents/supabase/.*")


def test_rate_limit_while_paging_resumes_at_the_failed_page(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    many_files_pull(fake, 250)

    fake.faults.append(
        Fault(
            "GET",
            r"/repos/octo/app/pulls/7/files",
            403,
            SECONDARY,
            {"Retry-After": "7"},
            query={"page": "2"},
        )
    )
    run = run_action(fake, tmp_path, "pull_request", event("pull_request.opened"))

    pages = [r.query.get("page") for r in fake.requests("GET", r"/repos/octo/app/pulls/7/files")]
    assert pages == [None, "2", "2", "3"]
    assert run.sleeps == [7.0]
    assert run.outputs["medium"] == "1"


def test_missing_patch_fetches_the_file_at_head(fake: FakeGitHub, tmp_path: Path) -> None:
    path = "supabase/migrations/20240101000000_profiles.sql"
    head_text = BASE_MIGRATION + "".join(f"-- padding {i}\n" for i in range(3000))
    head_text += "create policy p on public.profiles using (true); -- FINDING high\n"
    fake.add_commit(BASE, {path: BASE_MIGRATION})
    fake.add_commit(HEAD, {path: head_text})
    fake.add_pull(Pull(7, HEAD, BASE, [PullFile(path, "modified", None, additions=3001)]))
    captured: list[ChangedFile] = []

    def capture(files: Sequence[ChangedFile], workspace: Workspace) -> RuleOutcome:
        captured.extend(files)
        return marker_runner(files, workspace)

    run = run_action(
        fake,
        tmp_path,
        "pull_request",
        event("pull_request.opened"),
        runners={**RUNNERS, "rls_security": capture},
    )

    contents = fake.requests("GET", r"/repos/octo/app/contents/supabase/migrations/.*")
    assert {r.query["ref"] for r in contents} == {HEAD, BASE}
    (changed,) = captured
    assert changed.head_text == head_text and changed.head_complete
    assert changed.added_lines == frozenset(range(2, 3003))  # line 1 is unchanged
    assert PATCH_MISSING_NOTE in changed.notes
    assert run.outputs["high"] == "1"


def test_truncated_patch_is_treated_as_missing(fake: FakeGitHub, tmp_path: Path) -> None:
    path = "supabase/migrations/20240201000000_big.sql"
    text = "".join(f"select {i};\n" for i in range(1, 40)) + "select 40; -- FINDING low\n"
    cut = "\n".join(added_patch(text).split("\n")[:20])  # header says 40 lines, 19 follow
    fake.add_commit(BASE, {})
    fake.add_commit(HEAD, {path: text})
    fake.add_pull(Pull(7, HEAD, BASE, [PullFile(path, "added", cut, additions=40)]))
    run = run_action(fake, tmp_path, "pull_request", event("pull_request.opened"))

    assert fake.requests("GET", r"/repos/octo/app/contents/supabase/migrations/.*")
    assert run.outputs["low"] == "1"  # the finding on line 40, beyond the cut


def test_base_migrations_come_from_the_api_without_a_checkout(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    standard_pull(fake)
    read: dict[str, str | None] = {}

    def reads_base(files: Sequence[ChangedFile], workspace: Workspace) -> RuleOutcome:
        for p in workspace.base.list_files("supabase/migrations/"):
            read[p] = workspace.base.read_text(p)
        return RuleOutcome()

    run_action(
        fake,
        tmp_path,
        "pull_request",
        event("pull_request.opened"),
        runners={**RUNNERS, "rls_security": reads_base},
    )
    assert read == {"supabase/migrations/20240101000000_profiles.sql": BASE_MIGRATION}
    trees = fake.requests("GET", rf"/repos/octo/app/git/trees/{BASE}")
    assert len(trees) == 1 and trees[0].query == {"recursive": "1"}


def test_base_comes_from_the_checkout_when_it_holds_the_base_commit(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    checkout, base_sha = base_checkout(tmp_path)
    standard_pull(fake)
    fake.pulls[7].base_sha = base_sha
    read: list[str] = []

    def reads_base(files: Sequence[ChangedFile], workspace: Workspace) -> RuleOutcome:
        read.extend(workspace.base.list_files("supabase/migrations/"))
        return RuleOutcome()

    run_action(
        fake,
        tmp_path,
        "pull_request",
        event("pull_request.opened"),
        env={"GITHUB_WORKSPACE": str(checkout)},
        runners={**RUNNERS, "rls_security": reads_base},
    )
    assert read == ["supabase/migrations/20240101000000_profiles.sql"]
    assert not fake.requests("GET", r"/repos/octo/app/git/.*")
    assert not fake.requests("GET", r"/repos/octo/app/contents/.*")


def test_secondary_rate_limit_then_success(fake: FakeGitHub, tmp_path: Path) -> None:
    standard_pull(fake)
    fake.faults.append(
        Fault("POST", r"/repos/octo/app/issues/7/comments", 403, SECONDARY, {"Retry-After": "3"})
    )
    run = run_action(fake, tmp_path, "pull_request", event("pull_request.opened"))

    assert run.sleeps == [3.0]
    assert len(fake.requests("POST", r"/repos/octo/app/issues/7/comments")) == 2
    assert len([c for c in fake.issue_comments[7] if STICKY_MARKER in c["body"]]) == 1
    assert run.exit_code == 0


def test_primary_rate_limit_waits_for_the_reset(
    fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    standard_pull(fake)
    reset = int(time.time()) + 30
    fake.faults.append(
        Fault(
            "GET",
            r"/repos/octo/app/pulls/7",
            403,
            {"message": "API rate limit exceeded for installation ID 1."},
            {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)},
        )
    )
    run = run_action(fake, tmp_path, "pull_request", event("pull_request.opened"))
    assert len(run.sleeps) == 1 and 25 <= run.sleeps[0] <= 32
    assert run.exit_code == 0


def test_rate_limit_longer_than_the_deadline_fails_clearly(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    standard_pull(fake)
    fake.faults.append(
        Fault("GET", r"/repos/octo/app/pulls/7", 429, SECONDARY, {"Retry-After": "900"})
    )
    run = run_action(
        fake,
        tmp_path,
        "pull_request",
        event("pull_request.opened"),
        env={"ARCHITECT_REVIEW_RETRY_DEADLINE": "60"},
    )
    assert run.exit_code == 3
    assert run.sleeps == []
    assert "rate limited" in run.summary and "900s" in run.summary


def test_server_errors_are_retried(fake: FakeGitHub, tmp_path: Path) -> None:
    standard_pull(fake)
    fake.faults.append(
        Fault("GET", r"/repos/octo/app/pulls/7/files", 502, {"message": "Server Error"}, times=2)
    )
    run = run_action(fake, tmp_path, "pull_request", event("pull_request.opened"))
    assert run.sleeps == [1.0, 2.0]
    assert run.exit_code == 0
    assert run.outputs["high"] == "1"


def test_a_create_that_failed_with_5xx_but_happened_is_not_repeated(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    standard_pull(fake)
    fake.faults.append(
        Fault(
            "POST",
            r"/repos/octo/app/issues/7/comments",
            502,
            {"message": "Bad gateway"},
            after=True,
        )
    )
    run = run_action(fake, tmp_path, "pull_request", event("pull_request.opened"))

    assert len(fake.issue_comments[7]) == 1  # created once, found again, edited
    assert len(fake.requests("POST", r"/repos/octo/app/issues/7/comments")) == 1
    assert len(fake.requests("PATCH")) == 1
    assert run.exit_code == 0
    assert run.outputs["comment-url"].endswith(f"-{fake.issue_comments[7][0]['id']}")


def test_a_create_that_failed_with_5xx_before_acting_is_tried_again(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    standard_pull(fake)
    fake.faults.append(
        Fault("POST", r"/repos/octo/app/issues/7/comments", 503, {"message": "Unavailable"})
    )
    run = run_action(fake, tmp_path, "pull_request", event("pull_request.opened"))

    assert len(fake.issue_comments[7]) == 1
    assert len(fake.requests("POST", r"/repos/octo/app/issues/7/comments")) == 2
    assert len(fake.requests("GET", r"/repos/octo/app/issues/7/comments")) == 2
    assert run.sleeps == [1.0]
    assert run.exit_code == 0


def test_persistent_server_errors_fail_with_one_line(
    fake: FakeGitHub, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    standard_pull(fake)
    fake.faults.append(
        Fault("GET", r"/repos/octo/app/pulls/7", 503, {"message": "Unavailable"}, times=10)
    )
    run = run_action(fake, tmp_path, "pull_request", event("pull_request.opened"))
    assert run.exit_code == 3
    assert len(fake.requests("GET", r"/repos/octo/app/pulls/7")) == 4
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert errors == [
        "architect-review could not review PR #7: GitHub read pull request #7: HTTP 503 Unavailable"
    ]


def test_deleted_pull_request_is_a_clear_error(
    fake: FakeGitHub, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    run = run_action(
        fake, tmp_path, "workflow_dispatch", event("workflow_dispatch", inputs={"pr_number": "99"})
    )
    assert run.exit_code == 3
    assert "could not review PR #99" in run.summary and "not found" in run.summary
    assert any("deleted" in r.getMessage() for r in caplog.records)
    assert run.outputs["verdict"] == "skipped"


def test_forbidden_comment_still_writes_the_summary(
    fake: FakeGitHub, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="architect_review.github")
    standard_pull(fake, head_repo="someone/app-fork")
    fake.forbid_writes = True
    run = run_action(fake, tmp_path, "pull_request", event("pull_request.opened"), fail_on="high")

    assert fake.issue_comments.get(7, []) == []
    assert "Marker finding at line 3" in run.summary
    assert run.exit_code == 1  # fail-on still applies: the review happened
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "comes from a fork" in messages
    assert "may not comment on PR #7" in messages
    assert run.outputs["comment-url"] == ""


def test_too_long_comment_is_shortened_and_still_posted(fake: FakeGitHub, tmp_path: Path) -> None:
    path = "supabase/migrations/20240201000000_huge.sql"
    text = "".join(f"select {i}; -- FINDING medium TEST{i:03d}\n" for i in range(1, 401))
    fake.add_commit(BASE, {})
    fake.add_commit(HEAD, {path: text})
    fake.add_pull(Pull(7, HEAD, BASE, [PullFile(path, "added", added_patch(text))]))
    run = run_action(fake, tmp_path, "pull_request", event("pull_request.opened"))

    (comment,) = fake.issue_comments[7]
    assert STICKY_MARKER in comment["body"]
    assert 50_000 < len(comment["body"]) <= COMMENT_LIMIT
    assert run.outputs["medium"] == "400"


def test_inline_comments_only_on_changed_lines_and_never_twice(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    path = "supabase/migrations/20240101000000_profiles.sql"
    base = "".join(
        f"select {i}; -- FINDING medium\n" if i == 2 else f"select {i};\n" for i in range(1, 21)
    )
    lines = base.splitlines()
    lines[9] = "select 10; -- FINDING high"  # line 10: changed by the PR
    head = "\n".join(lines) + "\n"
    patch = (
        "@@ -7,7 +7,7 @@\n select 7;\n select 8;\n select 9;\n-select 10;\n"
        "+select 10; -- FINDING high\n select 11;\n select 12;\n select 13;"
    )
    fake.add_commit(BASE, {path: base})
    fake.add_commit(HEAD, {path: head})
    fake.add_pull(
        Pull(7, HEAD, BASE, [PullFile(path, "modified", patch, additions=1, deletions=1)])
    )

    first = run_action(
        fake, tmp_path, "pull_request", event("pull_request.opened"), inline_comments=True
    )
    second = run_action(
        fake, tmp_path, "pull_request", event("pull_request.opened"), inline_comments=True
    )

    # Line 2's finding is on an unchanged line outside the diff: summary comment only.
    assert first.outputs["findings"] == "2"
    comments = fake.review_comments[7]
    assert [(c["path"], c["line"]) for c in comments] == [(path, 10)]
    assert "Marker finding at line 10" in comments[0]["body"]
    assert len(fake.reviews) == 1  # the second run found the fingerprint and posted nothing
    assert fake.reviews[0]["commit_id"] == HEAD
    assert second.exit_code == 0


def test_inline_comment_carries_a_suggestion_when_the_finding_has_a_fix(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    class FixedFinding(Finding):
        suggestion: str | None = None

    def with_fix(files: Sequence[ChangedFile], workspace: Workspace) -> RuleOutcome:
        f = files[0]
        return RuleOutcome(
            findings=[
                FixedFinding(
                    specialist="rls_security",
                    severity=Severity.HIGH,
                    path=f.path,
                    line=3,
                    title="Always-true policy",
                    rule="TEST002",
                    message="m",
                    help="h",
                    suggestion="create policy anyone on public.todos for select using (false);",
                )
            ]
        )

    standard_pull(fake)
    run_action(
        fake,
        tmp_path,
        "pull_request",
        event("pull_request.opened"),
        inline_comments=True,
        runners={**{s: no_findings for s in SPECIALISTS}, "rls_security": with_fix},
    )
    (comment,) = fake.review_comments[7]
    assert comment["line"] == 3
    assert (
        "```suggestion\ncreate policy anyone on public.todos for select using (false);\n```"
        in (comment["body"])
    )


def test_api_calls_for_a_20_file_pr(fake: FakeGitHub, tmp_path: Path) -> None:
    """The figure for the note: requests one review of a 20-file PR makes.

    10 added migrations (their patch is the whole file) and 10 modified Edge
    Functions (their head is fetched), a base with history that the rules
    read, one existing sticky comment to update.
    """
    base: dict[str, str] = {
        f"supabase/migrations/2023{i:010d}_old.sql": f"create table public.o{i} (id int);\n"
        for i in range(5)
    }
    head = dict(base)
    files: list[PullFile] = []
    for i in range(10):
        path = f"supabase/migrations/2024{i:010d}_new.sql"
        head[path] = f"create table public.n{i} (id bigint primary key);\n"
        files.append(PullFile(path, "added", added_patch(head[path]), additions=1))
    for i in range(10):
        path = f"supabase/functions/f{i}/index.ts"
        base[path] = "Deno.serve(() => new Response('a'))\n"
        head[path] = "Deno.serve(() => new Response('b'))\n"
        files.append(
            PullFile(
                path,
                "modified",
                "@@ -1 +1 @@\n-" + base[path].rstrip("\n") + "\n+" + head[path].rstrip("\n"),
                additions=1,
                deletions=1,
            )
        )
    fake.add_commit(BASE, base)
    fake.add_commit(HEAD, head)
    fake.add_pull(Pull(7, HEAD, BASE, files))

    def reads_history(changed: Sequence[ChangedFile], workspace: Workspace) -> RuleOutcome:
        for p in workspace.base.list_files("supabase/migrations/"):
            workspace.base.read_text(p)
        return RuleOutcome()

    runners = {**RUNNERS, "schema_performance": reads_history}
    run_action(fake, tmp_path, "pull_request", event("pull_request.opened"), runners=runners)
    fake.log.clear()
    run_action(fake, tmp_path, "pull_request", event("pull_request.opened"), runners=runners)

    calls = [
        (r.method, r.path.split("/")[4] if r.path.count("/") >= 4 else r.path) for r in fake.log
    ]
    print(f"\nGitHub API calls for one review of a 20-file PR: {len(fake.log)}")
    for method, path in sorted(set(calls)):
        print(f"  {calls.count((method, path)):3d} {method} {path}")
    # 1 PR + 1 config + 1 file page + 10 heads + 1 base tree + 5 base files
    # + 1 comment list + 1 edit (no GET /user: the token is an installation token)
    assert len(fake.log) == 21
