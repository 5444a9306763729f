"""The LLM reviewer against a fake Messages API, with the real anthropic SDK in between."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from typing import Any

import pytest

from agents.architect.verify import verify_llm_findings
from agents.changes import Workspace
from agents.findings import Finding, Severity
from agents.llm import build_reviewer
from agents.llm.budget import MESSAGE_OVERHEAD
from agents.llm.client import AnthropicReviewer
from agents.llm.prompting import estimate_tokens, file_part, load_prompt
from agents.specialist import LlmOutcome, LlmUsage
from tests.helpers.workspace import workspace_from_trees
from tests.llm.fake_api import (
    API_KEY,
    FakeMessagesApi,
    Recorded,
    error,
    findings_reply,
    message,
    settings,
)

MIGRATION = "supabase/migrations/20240301000000_jobs.sql"
SQL = (
    "create table public.jobs (\n"  # 1
    "  id uuid primary key default gen_random_uuid(),\n"  # 2
    "  installer_id uuid not null references auth.users (id),\n"  # 3
    "  address text not null\n"  # 4
    ");\n"  # 5
    "alter table public.jobs enable row level security;\n"  # 6
    "create policy jobs_installer_read on public.jobs for select\n"  # 7
    "  to authenticated\n"  # 8
    "  using (installer_id is not null);\n"  # 9
)
FUNCTION = "supabase/functions/jobs/index.ts"
TS = (
    "import { createClient } from 'jsr:@supabase/supabase-js@2';\n"
    "Deno.serve(async (req) => {\n"
    "  const { jobId } = await req.json();\n"
    "  const admin = createClient(Deno.env.get('SUPABASE_URL')!, "
    "Deno.env.get('SUPABASE_SERVICE_ROLE_KEY')!);\n"
    "  const { data } = await admin.from('jobs').select('*').eq('id', jobId);\n"
    "  return new Response(JSON.stringify(data));\n"
    "});\n"
)


def sql_workspace() -> Workspace:
    return workspace_from_trees({}, {MIGRATION: SQL})


def grounded(**kw: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "path": MIGRATION,
        "line": 9,
        "severity": "critical",
        "title": "Any installer can read every job",
        "message": "The predicate only checks that a job has an installer.",
        "help": "using (installer_id = (select auth.uid()))",
        "evidence": "using (installer_id is not null);",
        "confidence": 0.95,
    }
    value.update(kw)
    return value


def reviewer(fake: FakeMessagesApi, **overrides: Any) -> AnthropicReviewer:
    return build_reviewer(
        settings(**overrides),
        api_key=API_KEY,
        base_url="http://fake-anthropic.test",
        http_client=fake.client(),
    )


def review(
    rv: AnthropicReviewer,
    ws: Workspace,
    rule_findings: list[Finding] | None = None,
    specialist: Any = "rls_security",
) -> LlmOutcome:
    return asyncio.run(rv.review(specialist, ws.files, ws, rule_findings or []))


def test_normal_reply_becomes_llm_findings() -> None:
    fake = FakeMessagesApi(reply=lambda r: message(findings_reply(grounded())))
    outcome = review(reviewer(fake), sql_workspace())

    assert outcome.error is None and outcome.unreviewed == []
    [f] = outcome.findings
    assert (f.source, f.rule, f.specialist) == ("llm", None, "rls_security")
    assert (f.severity, f.line, f.confidence) == (Severity.CRITICAL, 9, 0.95)
    assert f.evidence == "using (installer_id is not null);"
    assert outcome.usage.requests == 1 and outcome.usage.input_tokens == 1000

    [req] = fake.requests
    assert req.headers["authorization"] == f"Bearer {API_KEY}"
    body = req.body
    assert body["model"] == "claude-sonnet-5-5"
    assert body["max_tokens"] == 4096
    assert body["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert "Specialty: RLS and SQL security" in req.system_text
    assert body["output_config"]["format"]["type"] == "json_schema"
    # API 2026-10-21 rejects sampling parameters with a 400; thinking is off for short replies.
    assert not {"temperature", "top_p", "top_k"} & body.keys()
    assert body["thinking"] == {"type": "disabled"}
    assert "findings" in body["output_config"]["format"]["schema"]["properties"]
    # The file is sent line-numbered, changed lines marked, inside a fenced block.
    assert "    9+|   using (installer_id is not null);" in req.user_text


def test_schema_excerpt_and_rule_findings_are_sent() -> None:
    rule = Finding(
        specialist="rls_security",
        severity=Severity.LOW,
        path=MIGRATION,
        line=3,
        title="Foreign key without index",
        rule="PERF001",
    )
    fake = FakeMessagesApi()
    review(reviewer(fake), sql_workspace(), [rule])
    text = fake.requests[0].user_text
    assert "- [PERF001] low supabase/migrations/20240301000000_jobs.sql:3" in text
    assert "table public.jobs (RLS enabled)" in text
    assert "policy 'jobs_installer_read' for select to authenticated" in text
    assert "using (installer_id IS NOT NULL)" in text


def test_hallucinated_finding_is_dropped_by_verification() -> None:
    invented = grounded(line=8, evidence="using (true);", title="Policy is always true")
    fake = FakeMessagesApi(reply=lambda r: message(findings_reply(grounded(), invented)))
    ws = sql_workspace()
    outcome = review(reviewer(fake), ws)
    assert len(outcome.findings) == 2

    verified = verify_llm_findings(outcome.findings, ws, [])
    assert [f.title for f in verified.kept] == ["Any installer can read every job"]
    assert verified.dropped == 1


def test_findings_for_files_outside_the_batch_are_ignored() -> None:
    other = grounded(path="supabase/migrations/other.sql")
    fake = FakeMessagesApi(reply=lambda r: message(findings_reply(other)))
    assert review(reviewer(fake), sql_workspace()).findings == []


def test_malformed_reply_is_repaired_once() -> None:
    replies = iter([message('{"findings": [{"path": 3'), message(findings_reply(grounded()))])
    fake = FakeMessagesApi(reply=lambda r: next(replies))
    outcome = review(reviewer(fake), sql_workspace())

    assert outcome.error is None
    assert len(outcome.findings) == 1
    assert outcome.usage.requests == 2
    assert len(fake.requests) == 2
    [first] = fake.requests[0].body["messages"]
    [repair] = fake.requests[1].body["messages"]
    assert repair["role"] == "user"
    assert repair["content"][0]["text"] == first["content"]
    assert "did not match the required JSON schema" in repair["content"][1]["text"]
    assert '"path": 3' not in json.dumps(repair)  # the bad reply is not echoed


def test_malformed_twice_leaves_the_batch_unreviewed() -> None:
    bad = {"findings": [{**grounded(), "severity": "catastrophic"}]}
    fake = FakeMessagesApi(reply=lambda r: message(bad))
    outcome = review(reviewer(fake), sql_workspace())

    assert len(fake.requests) == 2
    assert outcome.findings == []
    assert outcome.unreviewed == [MIGRATION]
    assert outcome.error == "reply did not match the schema after one repair attempt"
    assert outcome.usage.requests == 2


def test_prose_reply_is_not_scraped_for_json() -> None:
    prose = "Here you go:\n```json\n" + json.dumps(findings_reply(grounded())) + "\n```"
    fake = FakeMessagesApi(reply=lambda r: message(prose))
    outcome = review(reviewer(fake), sql_workspace())
    assert outcome.findings == []
    assert outcome.error is not None


def test_429_then_success() -> None:
    replies = iter([error(429, "rate_limit_error"), message(findings_reply(grounded()))])
    fake = FakeMessagesApi(reply=lambda r: next(replies))
    outcome = review(reviewer(fake), sql_workspace())
    assert outcome.error is None and len(outcome.findings) == 1
    assert [r.headers["x-stainless-retry-count"] for r in fake.requests] == ["0", "1"]


def test_529s_are_retried_while_time_remains() -> None:
    replies = iter([error(529, "overloaded_error", retry_after_ms=10)] * 3)
    fake = FakeMessagesApi(
        reply=lambda r: next(replies, None) or message(findings_reply(grounded()))
    )
    outcome = review(reviewer(fake, max_retries=1000), sql_workspace())
    assert outcome.error is None and len(outcome.findings) == 1
    assert [r.headers["x-stainless-retry-count"] for r in fake.requests] == ["0", "1", "2", "3"]


def test_529_until_the_deadline_gives_an_error_outcome() -> None:
    # Endless 529s: however fast or loaded the machine (on a loaded one the first request
    # may not even leave before the deadline), the review ends at the deadline and says so.
    fake = FakeMessagesApi(reply=lambda r: error(529, "overloaded_error", retry_after_ms=50))
    rv = reviewer(fake, deadline_seconds=0.6, max_retries=1000)
    outcome = review(rv, sql_workspace())
    assert outcome.findings == []
    assert outcome.unreviewed == [MIGRATION]
    assert outcome.error is not None and outcome.error.startswith("deadline of 0.6 s exceeded")


def test_529_past_the_sdk_retries_names_the_status() -> None:
    fake = FakeMessagesApi(reply=lambda r: error(529, "overloaded_error"))
    outcome = review(reviewer(fake, max_retries=2), sql_workspace())
    assert len(fake.requests) == 3
    assert outcome.error == "API overloaded (HTTP 529)"


def test_401_is_not_retried() -> None:
    fake = FakeMessagesApi(reply=lambda r: error(401, "authentication_error"))
    outcome = review(reviewer(fake), sql_workspace())
    assert len(fake.requests) == 1
    assert outcome.error == "authentication failed (HTTP 401)"


def many_files(n: int, lines: int = 60) -> Workspace:
    head: dict[str, str | None] = {}
    for i in range(n):
        body = "\n".join(f"select {j} as col_{i}_{j};" for j in range(lines))
        head[f"supabase/migrations/2024010100{i:04d}_m.sql"] = body + "\n"
    return workspace_from_trees({}, head)


def one_file_per_batch(rv: AnthropicReviewer, ws: Workspace) -> None:
    """Lower the batch cap so that each file of ``ws`` needs a request of its own."""
    part = file_part(ws.files[0], ws)
    assert part is not None
    fixed = estimate_tokens(load_prompt("schema_performance")) + MESSAGE_OVERHEAD
    rv.max_batch_tokens = fixed + part.tokens + part.tokens // 2


def test_batches_run_concurrently_and_usage_is_summed() -> None:
    def reply(r: Recorded) -> Any:
        return message(
            findings_reply(),
            input_tokens=700,
            output_tokens=30,
            cache_read=500 if r.index else 0,
            cache_write=0 if r.index else 500,
        )

    fake = FakeMessagesApi(reply=reply, gate=3)
    rv = reviewer(fake, concurrency=3)
    ws = many_files(6)
    one_file_per_batch(rv, ws)
    outcome = review(rv, ws)

    n = len(fake.requests)
    assert n == 6
    assert fake.max_in_flight == 3  # overlapped, not serial
    assert outcome.usage.requests == n
    assert outcome.usage.input_tokens == 700 * n
    assert outcome.usage.output_tokens == 30 * n
    assert outcome.usage.cache_write_tokens == 500
    assert outcome.usage.cache_read_tokens == 500 * (n - 1)
    # Every batch carries the same cached system prompt.
    assert len({json.dumps(r.body["system"]) for r in fake.requests}) == 1


def test_concurrency_limit_is_shared_between_specialists() -> None:
    fake = FakeMessagesApi(gate=2)
    rv = reviewer(fake, concurrency=2)
    ws = many_files(4)
    one_file_per_batch(rv, ws)

    async def both() -> None:
        await asyncio.gather(
            rv.review("rls_security", ws.files, ws, []),
            rv.review("schema_performance", ws.files, ws, []),
        )

    asyncio.run(both())
    assert len(fake.requests) == 8
    assert fake.max_in_flight == 2


def test_budget_exceeded_leaves_lowest_risk_files_unreviewed() -> None:
    head: dict[str, str | None] = {
        MIGRATION: SQL,
        FUNCTION: TS,
        "docs/notes.md": "\n".join(f"note {i}" for i in range(400)) + "\n",
        "src/pages/index.astro": "\n".join(f"<p>{i}</p>" for i in range(400)) + "\n",
    }
    ws = workspace_from_trees({}, head)
    fake = FakeMessagesApi()
    # Share per specialist: 12_600 * 0.95 / 3 ≈ 4_000 tokens; one request costs ~3_000 fixed
    # (system prompt, overhead, output reserve): the two small files fit, the notes do not.
    outcome = review(reviewer(fake, token_budget=12_600), ws)
    assert outcome.unreviewed == ["docs/notes.md", "src/pages/index.astro"]
    sent = "\n".join(r.user_text for r in fake.requests)
    assert MIGRATION in sent and FUNCTION in sent and "docs/notes.md" not in sent


def test_rule_findings_raise_a_files_priority() -> None:
    head: dict[str, str | None] = {
        "docs/a.md": "\n".join(f"a {i:>4} lorem ipsum dolor sit" for i in range(300)) + "\n",
        "docs/b.md": "\n".join(f"b {i:>4} lorem ipsum dolor sit" for i in range(300)) + "\n",
    }
    ws = workspace_from_trees({}, head)
    flagged = Finding(
        specialist="rls_security",
        severity=Severity.HIGH,
        path="docs/b.md",
        line=1,
        title="Secret in docs",
        rule="RLS998",
    )
    fake = FakeMessagesApi()
    # ~2_800 tokens per file, ~3_000 fixed: a 7_000-token share holds one of them.
    outcome = review(reviewer(fake, token_budget=22_200), ws, [flagged])
    assert outcome.unreviewed == ["docs/a.md"]


def test_nothing_to_send_makes_no_request() -> None:
    ws = workspace_from_trees({MIGRATION: SQL}, {MIGRATION: None})
    fake = FakeMessagesApi()
    outcome = review(reviewer(fake), ws)
    assert fake.requests == [] and outcome == LlmOutcome()


def test_no_request_carries_the_key_or_an_environment_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_should_never_leave_the_runner_123")
    monkeypatch.setenv("SUPABASE_SERVICE_ROLE_KEY", "eyJservice.role.secret.value")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-env-key-not-passed")
    secrets = [API_KEY] + [
        v
        for k, v in os.environ.items()
        if any(s in k.upper() for s in ("KEY", "TOKEN", "SECRET", "PASSWORD")) and len(v) >= 8
    ]
    replies = iter([message("not json"), message(findings_reply(grounded()))])
    fake = FakeMessagesApi(reply=lambda r: next(replies, message(findings_reply())))
    rv = reviewer(fake)
    ws = workspace_from_trees({}, {MIGRATION: SQL, FUNCTION: TS})
    review(rv, ws)
    asyncio.run(rv.summarise([]))
    assert len(fake.requests) >= 3
    for req in fake.requests:
        for secret in secrets:
            assert secret.encode() not in req.raw
        assert "sk-ant-env-key-not-passed" not in json.dumps(req.headers)
    assert API_KEY not in repr(rv)


def test_summary_is_one_paragraph_and_failure_gives_none() -> None:
    text = {"summary": "The PR adds a jobs table.\n\nIts read policy is too broad."}
    fake = FakeMessagesApi(reply=lambda r: message(text, input_tokens=300, output_tokens=40))
    rv = reviewer(fake)
    f = Finding(
        specialist="rls_security",
        severity=Severity.HIGH,
        path=MIGRATION,
        line=9,
        title="Broad policy",
        rule="RLS001",
    )
    summary, usage = asyncio.run(rv.summarise([f]))
    assert summary == "The PR adds a jobs table. Its read policy is too broad."
    assert (usage.requests, usage.input_tokens) == (1, 300)
    assert "Role: the architect's summary" in fake.requests[0].system_text
    assert "[RLS001] high" in fake.requests[0].user_text

    failing = FakeMessagesApi(reply=lambda r: error(500, "api_error"))
    assert asyncio.run(reviewer(failing, max_retries=0).summarise([f]))[0] is None


def test_small_model_is_used_for_small_batches() -> None:
    fake = FakeMessagesApi()
    review(reviewer(fake, small_model="claude-haiku-5-5"), sql_workspace())
    assert fake.requests[0].body["model"] == "claude-haiku-5-5"


def test_importing_agents_llm_does_not_import_the_sdk() -> None:
    code = "import sys, agents.llm; sys.exit('anthropic' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=os.getcwd(), check=False)
    assert done.returncode == 0


def test_summary_disabled_makes_no_request() -> None:
    fake = FakeMessagesApi()
    f = Finding(specialist="rls_security", severity=Severity.LOW, path=MIGRATION, line=1, title="x")
    assert asyncio.run(reviewer(fake, summary=False).summarise([f])) == (None, LlmUsage())
    assert fake.requests == []


def test_partial_failure_keeps_the_batches_that_succeeded() -> None:
    def reply(r: Recorded) -> Any:
        if "20240101000001_m.sql" in r.user_text:
            return error(400, "invalid_request_error")
        return message(findings_reply())

    fake = FakeMessagesApi(reply=reply)
    rv = reviewer(fake)
    ws = many_files(3)
    one_file_per_batch(rv, ws)
    outcome = review(rv, ws)
    assert len(fake.requests) == 3  # 400 is not retried
    assert outcome.unreviewed == ["supabase/migrations/20240101000001_m.sql"]
    assert outcome.error == "API error (HTTP 400) (1 of 3 batches not reviewed)"
    assert outcome.usage.requests == 2
