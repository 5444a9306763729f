"""Rules see through ``_shared`` helpers: client factories, imported clients, response helpers.

Written after gen-edge cases showed a floating insert on a client made by
``createSupabaseClient(req)`` and a raw error sent through an imported
``jsonResponse`` going unreported, plus two smaller generalisation gaps
(all request headers logged via ``entries()``; ``verify_jwt = false`` on a
function that reads other tenants' data with the service role).
"""

from __future__ import annotations

from agents.edge_reliability import agent
from agents.edge_reliability.model.build import build_model
from agents.findings import Severity
from agents.ts.parse import parse_ts
from tests.helpers.workspace import workspace_from_trees

FN = "supabase/functions/demo/index.ts"
SHARED_CLIENT = """\
import { createClient } from "npm:@supabase/supabase-js@2.45.4";

export const supabaseAdmin = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
);

export function createSupabaseClient(req: Request) {
  return createClient(Deno.env.get("SUPABASE_URL")!, Deno.env.get("SUPABASE_ANON_KEY")!, {
    global: { headers: { Authorization: req.headers.get("Authorization") ?? "" } },
  });
}

export const getAdmin = () => supabaseAdmin;
"""
SHARED_HTTP = """\
export const corsHeaders = { "Access-Control-Allow-Origin": "*" };

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });
}
"""
SHARED = {
    "supabase/functions/_shared/supabase.ts": SHARED_CLIENT,
    "supabase/functions/_shared/http.ts": SHARED_HTTP,
}
IMPORTS = (
    'import { createSupabaseClient, supabaseAdmin, getAdmin } from "../_shared/supabase.ts";\n'
    'import { jsonResponse } from "../_shared/http.ts";\n'
)


def _findings(source: str, extra: dict[str, str] | None = None) -> list[tuple[str, int, Severity]]:
    files: dict[str, str | None] = {FN: source}
    files.update(extra or {})
    workspace = workspace_from_trees(SHARED, files)
    outcome = agent.run_rules(workspace.files, workspace)
    return [
        (f.rule or "", f.line or 0, f.severity)
        for f in outcome.findings
        if f.severity.at_least(Severity.LOW)
    ]


def test_model_knows_clients_from_shared_factories_and_imports() -> None:
    source = IMPORTS + (
        "function localClient() {\n"
        "  return createClient(url, Deno.env.get('SUPABASE_SERVICE_ROLE_KEY')!);\n"
        "}\n"
        "const local = localClient();\n"
        "Deno.serve(async (req) => {\n"
        "  const supabase = createSupabaseClient(req);\n"
        "  const admin = getAdmin();\n"
        "  return new Response('ok');\n"
        "});\n"
    )
    model = build_model(parse_ts(FN, source), SHARED.get)
    shapes = {c.name: (c.key, c.forwards_caller_auth, c.module_scope) for c in model.clients}
    assert shapes["supabase"] == ("anon", True, False)
    assert shapes["supabaseAdmin"] == ("service_role", False, True)
    assert shapes["admin"] == ("service_role", False, False)
    assert shapes["local"] == ("service_role", False, True)
    assert "jsonResponse" in model.imported_response_builders


def test_floating_write_on_a_shared_factory_client() -> None:
    source = IMPORTS + (
        "Deno.serve(async (req) => {\n"
        "  const supabase = createSupabaseClient(req);\n"
        "  const { data: { user } } = await supabase.auth.getUser();\n"
        "  if (!user) return jsonResponse({ error: 'Unauthorized' }, 401);\n"
        "  supabase.from('events').insert({\n"
        "    user_id: user.id,\n"
        "  });\n"
        "  supabase.functions.invoke('notify', { body: { id: user.id } });\n"
        "  return jsonResponse({ ok: true });\n"
        "});\n"
    )
    found = _findings(source)
    assert ("EDGE005", 7, Severity.MEDIUM) in found
    assert ("EDGE005", 10, Severity.MEDIUM) in found


def test_raw_error_through_an_imported_response_helper() -> None:
    source = IMPORTS + (
        "Deno.serve(async (req) => {\n"
        "  const supabase = createSupabaseClient(req);\n"
        "  const { data: { user } } = await supabase.auth.getUser();\n"
        "  if (!user) return jsonResponse({ error: 'Unauthorized' }, 401);\n"
        "  const { error: saveError } = await supabase.from('t').insert({ user_id: user.id });\n"
        "  if (saveError) return jsonResponse({ error: saveError }, 500);\n"
        "  return jsonResponse({ ok: true });\n"
        "});\n"
    )
    assert [r for r in _findings(source) if r[0] == "EDGE007"] == [("EDGE007", 8, Severity.MEDIUM)]


def test_generic_error_through_an_imported_helper_is_clean() -> None:
    source = IMPORTS + (
        "Deno.serve(async (req) => {\n"
        "  if (req.method === 'OPTIONS') return new Response('ok');\n"
        "  const supabase = createSupabaseClient(req);\n"
        "  const { data: { user } } = await supabase.auth.getUser();\n"
        "  if (!user) return jsonResponse({ error: 'Unauthorized' }, 401);\n"
        "  const { error } = await supabase.from('t').insert({ user_id: user.id });\n"
        "  if (error) {\n"
        "    console.error('insert failed', error.code);\n"
        "    return jsonResponse({ error: 'Could not save' }, 500);\n"
        "  }\n"
        "  return jsonResponse({ ok: true });\n"
        "});\n"
    )
    assert _findings(source) == []


def test_imported_admin_client_keyed_by_body_user_id() -> None:
    source = IMPORTS + (
        "Deno.serve(async (req) => {\n"
        "  const { userId } = await req.json();\n"
        "  const { error } = await supabaseAdmin.from('profiles').delete().eq('id', userId);\n"
        "  if (error) return jsonResponse({ error: 'failed' }, 500);\n"
        "  return jsonResponse({ ok: true });\n"
        "});\n"
    )
    assert ("EDGE009", 5, Severity.CRITICAL) in _findings(source)


def test_logging_all_headers_in_any_spelling() -> None:
    for expr in (
        "Object.fromEntries(req.headers.entries())",
        "[...req.headers]",
        "new Map(req.headers)",
        "Object.fromEntries(req.headers)",
    ):
        source = (
            "Deno.serve(async (req) => {\n"
            f"  console.log('incoming', {expr});\n"
            "  return new Response('ok');\n"
            "});\n"
        )
        assert ("EDGE013", 2, Severity.MEDIUM) in _findings(source), expr


def test_logging_header_names_only_is_clean() -> None:
    source = (
        "Deno.serve(async (req) => {\n"
        "  console.log('incoming', [...req.headers.keys()]);\n"
        "  return new Response('ok');\n"
        "});\n"
    )
    assert [r for r in _findings(source) if r[0] == "EDGE013"] == []


CONFIG = "[functions.demo]\nverify_jwt = false\n"
SERVICE_READ = """\
import { createClient } from "npm:@supabase/supabase-js@2.45.4";
const KEY = Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!;
const admin = createClient(Deno.env.get("SUPABASE_URL")!, KEY);
Deno.serve(async (req) => {
  const org = new URL(req.url).searchParams.get("org") ?? "";
  const { data, error } = await admin.from("customers").select("email").eq("org_id", org);
  if (error) return new Response("failed", { status: 500 });
  return Response.json(data);
});
"""


def test_verify_jwt_off_and_service_role_reads_is_critical() -> None:
    found = _findings(SERVICE_READ, {"supabase/config.toml": CONFIG})
    assert [r for r in found if r[0] == "EDGE010"] == [("EDGE010", 2, Severity.CRITICAL)]


def test_verify_jwt_off_and_anon_reads_only_is_not_reported() -> None:
    source = SERVICE_READ.replace("SUPABASE_SERVICE_ROLE_KEY", "SUPABASE_ANON_KEY")
    found = [r for r in _findings(source, {"supabase/config.toml": CONFIG}) if r[0] == "EDGE010"]
    assert found == []


def test_error_helper_answering_a_fixed_message_is_not_a_leak() -> None:
    shared = {
        "supabase/functions/_shared/errors.ts": (
            "export function handleError(err: unknown): Response {\n"
            "  console.error(err);\n"
            '  return Response.json({ error: "Internal error" }, { status: 500 });\n'
            "}\n"
        )
    }
    source = (
        'import { handleError } from "../_shared/errors.ts";\n'
        "function fail(err: unknown): Response {\n"
        "  console.error(err);\n"
        '  return new Response("Something went wrong", { status: 500 });\n'
        "}\n"
        "Deno.serve(async (req) => {\n"
        "  try {\n"
        "    const body = await req.json();\n"
        "    if (!body.ok) return fail(new Error('bad'));\n"
        "    return new Response('ok');\n"
        "  } catch (error) {\n"
        "    return handleError(error);\n"
        "  }\n"
        "});\n"
    )
    assert [r for r in _findings(source, shared) if r[0] == "EDGE007"] == []


def test_verify_jwt_off_webhook_checking_only_that_a_signature_is_present() -> None:
    source = (
        'import { createClient } from "npm:@supabase/supabase-js@2.45.4";\n'
        'const admin = createClient(url, Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!);\n'
        "Deno.serve(async (req) => {\n"
        '  const signature = req.headers.get("stripe-signature");\n'
        '  if (!signature) return new Response("missing signature", { status: 400 });\n'
        "  const event = JSON.parse(await req.text());\n"
        '  const { error } = await admin.from("orders").update({ status: "paid" })\n'
        '    .eq("stripe_session_id", event.data.object.id);\n'
        '  if (error) return new Response("retry", { status: 500 });\n'
        '  return new Response("ok");\n'
        "});\n"
    )
    found = _findings(source, {"supabase/config.toml": CONFIG})
    assert [r for r in found if r[0] == "EDGE010"] == [("EDGE010", 2, Severity.CRITICAL)]
    verified = source.replace(
        "JSON.parse(await req.text())",
        "await stripe.webhooks.constructEventAsync(await req.text(), signature, secret)",
    )
    found = _findings(verified, {"supabase/config.toml": CONFIG})
    assert [r for r in found if r[0] == "EDGE010"] == []
