"""Whole functions in the styles the bench uses: clean ones stay silent, buggy ones are caught.

Each file under ``functions/`` is reviewed as ``supabase/functions/<stem>/index.ts``
in a repository with a shared CORS helper and an Astro front end.  Expected
findings are (rule, line) pairs read off the source by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.edge_reliability.agent import run_rules
from agents.findings import Severity
from tests.helpers.workspace import workspace_from_trees

HERE = Path(__file__).parent / "functions"
CORS = (
    "export const corsHeaders = {\n"
    '  "Access-Control-Allow-Origin": "*",\n'
    '  "Access-Control-Allow-Headers": "authorization, x-client-info, apikey, content-type",\n'
    "};\n"
)
BASE = {
    "supabase/functions/_shared/cors.ts": CORS,
    "src/pages/index.astro": "---\n---\n<html></html>\n",
    "src/lib/export.ts": 'export const run = () => supabase.functions.invoke("bad-export");\n',
}

EXPECTED: dict[str, set[tuple[str, int]]] = {
    "clean-background": set(),
    "clean-cron": set(),
    "clean-getclaims": set(),
    "clean-github-webhook": set(),
    "clean-public-catalog": set(),
    "clean-ai-proxy": set(),
    "clean-checkout": set(),
    "clean-hono": set(),
    "clean-storage": set(),
    "clean-auth-hook": set(),
    "clean-pg": set(),
    "clean-rpc-stats": set(),
    "clean-stream": set(),
    # the 401 and the catch-all 500 lack CORS headers
    "bad-cors-catch": {("EDGE002", 14), ("EDGE002", 21)},
    # a service-role lookup keyed by ?account=
    "bad-idor-query": {("EDGE009", 19)},
    # err.message reaches the response through a local variable
    "bad-leak-generic": {("EDGE007", 14)},
    # notify() and functions.invoke() are left floating
    "bad-floating-invoke": {("EDGE005", 20), ("EDGE005", 21)},
    # verify_jwt is not configured here, so nothing to say about auth
    "bad-verify-off": set(),
    "bad-secret": {("EDGE011", 5)},
    "bad-log-token": {("EDGE013", 6), ("EDGE013", 8), ("EDGE013", 9)},
    "bad-mapasync": {("EDGE008", 8)},
    # invoked by name from the front end (src/lib/export.ts) without any CORS handling
    "bad-export": {("EDGE001", 3)},
    # DB error text returned, a failed claim only logged, exception text returned
    "bad-gift": {("EDGE007", 19), ("EDGE006", 22), ("EDGE007", 26)},
    # signed webhook: whole event logged, 200 after a failed update, Slack call without timeout
    # (the per-recipient insert is PERF020's: schema_performance)
    "bad-resend-hook": {("EDGE013", 15), ("EDGE006", 22), ("EDGE004", 24)},
    # fetch in a helper without timeout; the cache insert is left floating
    "bad-translate": {("EDGE004", 5), ("EDGE005", 27)},
}


def _review(name: str, extra: dict[str, str] | None = None) -> list[tuple[str, int]]:
    text = (HERE / f"{name}.ts").read_text(encoding="utf-8")
    changes: dict[str, str | None] = {f"supabase/functions/{name}/index.ts": text}
    changes.update(extra or {})
    workspace = workspace_from_trees(BASE, changes)
    outcome = run_rules(workspace.files, workspace)
    assert outcome.notes == []
    return [
        (f.rule or "", f.line or 0) for f in outcome.findings if f.severity.at_least(Severity.LOW)
    ]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_function(name: str) -> None:
    assert set(_review(name)) == EXPECTED[name]


def test_every_function_file_has_an_expectation() -> None:
    assert {p.stem for p in HERE.glob("*.ts")} == set(EXPECTED)


def test_caller_jwt_alone_is_no_evidence_of_a_browser_caller() -> None:
    """pg_net triggers, cron and devices send JWTs too: no CORS demand without evidence."""
    text = (HERE / "bad-export.ts").read_text(encoding="utf-8")
    workspace = workspace_from_trees(
        {k: v for k, v in BASE.items() if k != "src/lib/export.ts"},
        {"supabase/functions/bad-export/index.ts": text},
    )
    assert [f.rule for f in run_rules(workspace.files, workspace).findings] == []


def test_verify_jwt_off_for_an_unauthenticated_writer() -> None:
    config = "[functions.bad-verify-off]\nverify_jwt = false\n"
    found = _review("bad-verify-off", {"supabase/config.toml": config})
    assert found == [("EDGE010", 2)]


def test_verify_jwt_off_for_a_signed_webhook_is_fine() -> None:
    config = "[functions.clean-github-webhook]\nverify_jwt = false\n"
    assert _review("clean-github-webhook", {"supabase/config.toml": config}) == []


def test_database_webhook_record_is_not_a_caller_identity() -> None:
    source = """\
import { createClient } from "npm:@supabase/supabase-js@2.45.4";
const key = Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!;
const admin = createClient(Deno.env.get("SUPABASE_URL")!, key);
Deno.serve(async (req) => {
  try {
    const { record } = await req.json();
    const { error } = await admin.from("profiles").insert({ user_id: record.id });
    if (error) return new Response("retry", { status: 500 });
    return new Response("ok");
  } catch {
    return new Response("bad payload", { status: 400 });
  }
});
"""
    workspace = workspace_from_trees({}, {"supabase/functions/on-signup/index.ts": source})
    assert run_rules(workspace.files, workspace).findings == []


def test_old_problems_in_untouched_code_of_a_modified_file_are_not_reported() -> None:
    before = (HERE / "bad-floating-invoke.ts").read_text(encoding="utf-8")
    after = before.replace('"Internal error"', '"Internal server error"')
    path = "supabase/functions/bad-floating-invoke/index.ts"
    workspace = workspace_from_trees({**BASE, path: before}, {path: after})
    assert run_rules(workspace.files, workspace).findings == []
    touched = before.replace("notify(user.id);", "notify(user.id.trim());")
    workspace = workspace_from_trees({**BASE, path: before}, {path: touched})
    assert [(f.rule, f.line) for f in run_rules(workspace.files, workspace).findings] == [
        ("EDGE005", 20)
    ]


def _inline(source: str, base: dict[str, str] | None = None) -> list[tuple[str, int]]:
    path = "supabase/functions/inline/index.ts"
    workspace = workspace_from_trees({**BASE, **(base or {})}, {path: source})
    return [(f.rule or "", f.line or 0) for f in run_rules(workspace.files, workspace).findings]


def test_floating_call_of_an_async_function_imported_from_shared() -> None:
    shared = "export async function sendEmail(to: string) {\n  await Promise.resolve(to);\n}\n"
    source = (
        'import { sendEmail as send } from "../_shared/email.ts";\n'
        "Deno.serve(async () => {\n"
        '  send("a@example.com");\n'
        '  return new Response("ok");\n'
        "});\n"
    )
    assert _inline(source, {"supabase/functions/_shared/email.ts": shared}) == [("EDGE005", 3)]


def test_validation_errors_may_be_echoed_but_raw_errors_may_not() -> None:
    source = """\
import { z } from "npm:zod@3.23.8";
const Body = z.object({ n: z.number().int().max(10) });
Deno.serve(async (req) => {
  let raw: unknown;
  try {
    raw = await req.json();
  } catch (e) {
    return Response.json({ error: (e as Error).message }, { status: 400 });
  }
  const { data, error } = Body.safeParse(raw);
  if (error) return Response.json({ error: error.message }, { status: 400 });
  try {
    const signal = AbortSignal.timeout(3000);
    const res = await fetch(`https://api.example.com/${data.n}`, { signal });
    return Response.json(await res.json());
  } catch (err) {
    return Response.json(err, { status: 502 });
  }
});
"""
    assert _inline(source) == [("EDGE007", 17)]


def test_type_only_and_pinned_imports_are_fine() -> None:
    source = (
        'import "jsr:@supabase/functions-js/edge-runtime.d.ts";\n'
        'import { Hono } from "jsr:@hono/hono@4.6.3";\n'
        'import Stripe from "https://esm.sh/stripe@14.25.0?target=deno";\n'
        'import { z } from "https://deno.land/x/zod@v3.23.8/mod.ts";\n'
        'import { thing } from "npm:thing";\n'
        'Deno.serve(() => new Response("ok"));\n'
    )
    assert _inline(source) == [("EDGE014", 5)]


def test_rpc_argument_naming_a_user_from_the_body() -> None:
    source = """\
import { createClient } from "npm:@supabase/supabase-js@2.45.4";
const key = Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!;
const admin = createClient(Deno.env.get("SUPABASE_URL")!, key);
Deno.serve(async (req) => {
  try {
    const body = await req.json();
    const { error } = await admin.rpc("grant_credits", {
      p_user_id: body.userId,
      p_amount: 10,
    });
    if (error) return new Response("failed", { status: 500 });
    return new Response("ok");
  } catch {
    return new Response("bad request", { status: 400 });
  }
});
"""
    assert _inline(source) == [("EDGE009", 8)]


def test_caller_chosen_fetch_url_without_a_check() -> None:
    source = """\
Deno.serve(async (req) => {
  try {
    const { url } = await req.json();
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return new Response(await res.text(), { status: res.status });
  } catch {
    return new Response("bad request", { status: 400 });
  }
});
"""
    assert _inline(source) == [("EDGE018", 4)]
    checked = source.replace(
        "    const res",
        '    if (!String(url).startsWith("https://api.example.com/")) {\n'
        '      return new Response("forbidden", { status: 403 });\n'
        "    }\n    const res",
    )
    assert _inline(checked) == []


def test_preflight_answered_without_any_cors_headers_is_one_finding() -> None:
    source = """\
Deno.serve(async (req) => {
  if (req.method === "OPTIONS") return new Response("ok");
  return Response.json({ ok: true }, { status: 200 });
});
"""
    front_end = {"src/components/Button.tsx": 'supabase.functions.invoke("inline")\n'}
    assert _inline(source, front_end) == [("EDGE001", 1)]
    assert _inline(source) == []  # nobody calls it from a browser


def test_service_role_keyed_by_claims_decoded_without_verification() -> None:
    source = """\
import { createClient } from "npm:@supabase/supabase-js@2.45.4";
const key = Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!;
const admin = createClient(Deno.env.get("SUPABASE_URL")!, key);
Deno.serve(async (req) => {
  const token = (req.headers.get("Authorization") ?? "").replace("Bearer ", "");
  const claims = JSON.parse(atob(token.split(".")[1]));
  const { data, error } = await admin.from("orders").select("id").eq("customer_id", claims.sub);
  if (error) return Response.json({ error: "failed" }, { status: 500 });
  return Response.json(data);
});
"""
    assert _inline(source) == [("EDGE009", 7)]
    verified = source.replace(
        '  const claims = JSON.parse(atob(token.split(".")[1]));\n',
        "  const { data: { claims } } = await admin.auth.getClaims(token);\n",
    )
    assert _inline(verified) == []
