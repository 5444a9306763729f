"""The Edge Function model: entry, clients, CORS, taint, statuses, config."""

from __future__ import annotations

from agents.edge_reliability.config import function_settings
from agents.edge_reliability.model.auth import authenticates_caller, verifies_identity
from agents.edge_reliability.model.build import build_model
from agents.edge_reliability.model.cors import references_cors
from agents.edge_reliability.model.http import fetch_calls, response_status, responses
from agents.edge_reliability.model.taint import request_reads
from agents.ts.parse import parse_ts

PATH = "supabase/functions/demo/index.ts"
CORS = 'export const corsHeaders = { "Access-Control-Allow-Origin": "*" };\n'


def _model(text: str, shared: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    files = shared or {}
    return build_model(parse_ts(PATH, text), files.get)


def test_entry_handler_and_request_param() -> None:
    model = _model("Deno.serve(async (request: Request) => new Response('ok'));\n")
    assert model.name == "demo"
    assert model.entry is not None and model.handler is not None
    assert model.request_param == "request"


def test_named_handler_passed_to_std_serve() -> None:
    model = _model(
        'import { serve } from "https://deno.land/std@0.224.0/http/server.ts";\n'
        "async function handle(req: Request) { return new Response('ok'); }\n"
        "serve(handle);\n"
    )
    assert model.handler is not None and model.handler.type == "function_declaration"
    assert model.request_param == "req"


def test_clients_keys_scope_and_forwarded_auth() -> None:
    model = _model(
        "const KEY = Deno.env.get('SUPABASE_SERVICE_ROLE_KEY')!;\n"
        "const admin = createClient(url, KEY);\n"
        "Deno.serve(async (req) => {\n"
        "  const sb = createClient(url, Deno.env.get('SUPABASE_ANON_KEY')!, {\n"
        "    global: { headers: { Authorization: req.headers.get('Authorization')! } },\n"
        "  });\n"
        "  return new Response('ok');\n"
        "});\n"
    )
    got = {(c.name, c.key, c.module_scope, c.forwards_caller_auth) for c in model.clients}
    assert got == {("admin", "service_role", True, False), ("sb", "anon", False, True)}


def test_cors_helper_from_shared_module_counts() -> None:
    model = _model(
        'import { headers as h } from "../_shared/http.ts";\n'
        "const json = { ...h, 'Content-Type': 'application/json' };\n"
        "Deno.serve(() => new Response('ok', { headers: json }));\n",
        {"supabase/functions/_shared/http.ts": CORS.replace("corsHeaders", "headers")},
    )
    assert {"h", "json"} <= model.cors_names
    assert references_cors(model)


def test_taint_through_destructuring_and_zod() -> None:
    model = _model(
        "Deno.serve(async (req) => {\n"
        "  const { userId } = await req.json();\n"
        "  const q = new URL(req.url).searchParams.get('team');\n"
        "  const parsed = Body.parse(await req.json());\n"
        "  const auth = req.headers.get('Authorization');\n"
        "  return new Response('ok');\n"
        "});\n"
    )
    assert model.tainted == {"userId": "body", "q": "query", "parsed": "body"}


def test_response_status_through_helper_with_default() -> None:
    model = _model(
        "function json(body: unknown, status = 200) {\n"
        "  return new Response(JSON.stringify(body), { status, headers: {} });\n"
        "}\n"
        "Deno.serve(async () => { if (x) return json({}, 500); return json({ ok: true }); });\n"
    )
    returns = model.parsed.captures("(return_statement (call_expression) @c)")["c"]
    assert [response_status(model, r) for r in returns] == [500, 200]


def test_identity_and_signature_checks() -> None:
    jwt = _model("Deno.serve(async () => { await sb.auth.getUser(token); });\n")
    assert verifies_identity(jwt) and authenticates_caller(jwt)
    webhook = _model(
        "Deno.serve(async (req) => { const s = req.headers.get('stripe-signature');\n"
        "  const event = await check(await req.text(), s); });\n"
    )
    assert not verifies_identity(webhook) and authenticates_caller(webhook)
    compared = _model(
        "Deno.serve(async (req) => {\n"
        "  if (req.headers.get('x-cron-secret') !== expected) return new Response('');\n"
        "});\n"
    )
    assert authenticates_caller(compared)
    # reading the signature header only to see that it is there verifies nothing
    for presence in (
        "if (!s) return new Response('', { status: 400 });",
        "if (s == null) return;",
        "",
    ):
        unchecked = _model(
            "Deno.serve(async (req) => { const s = req.headers.get('stripe-signature') ?? '';\n"
            f"  {presence}\n"
            "  const event = JSON.parse(await req.text()); });\n"
        )
        assert not authenticates_caller(unchecked), presence
    none = _model("Deno.serve(async (req) => new Response(await req.text()));\n")
    assert not authenticates_caller(none)


def test_function_settings_lines() -> None:
    text = (
        'project_id = "x"\n\n[functions.a]\nverify_jwt = false\n\n'
        '[functions."b-c"]\nverify_jwt = true\n[api]\nport = 1\n'
    )
    settings = function_settings(text)
    assert settings is not None
    assert (settings["a"].verify_jwt, settings["a"].verify_jwt_line) == (False, 4)
    assert (settings["b-c"].verify_jwt, settings["b-c"].verify_jwt_line) == (True, 7)
    assert function_settings("[functions\n") is None


def test_fetch_calls_know_their_signal() -> None:
    model = _model(
        "const opts = { method: 'POST', signal: AbortSignal.timeout(1000) };\n"
        "Deno.serve(async (req, init) => {\n"
        "  await fetch('a');\n"
        "  await fetch('b', { method: 'POST' });\n"
        "  await fetch('c', opts);\n"
        "  await fetch('d', init);\n"
        "  await fetch(new Request('e'));\n"
        "  await fetch('f', { ...init });\n"
        "  return new Response('ok');\n"
        "});\n"
    )
    assert [signal for _, signal in fetch_calls(model)] == [False, False, True, None, None, None]


def test_request_reads_and_response_sites() -> None:
    model = _model(
        "Deno.serve(async (req) => {\n"
        "  const body = await req.json();\n"
        "  const page = new URL(req.url).searchParams.get('page');\n"
        "  const sig = req.headers.get('stripe-signature');\n"
        "  if (!sig) return Response.json({ error: 'no' }, { status: 400 });\n"
        "  return new Response('ok');\n"
        "});\n"
    )
    assert [kind for _, kind in request_reads(model)] == ["body", "query", "header"]
    sites = responses(model)
    assert [s.node.start_point[0] + 1 for s in sites] == [5, 6]
