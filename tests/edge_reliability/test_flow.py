"""The data-flow interpreter: sources, propagation, sanitisers and identity, one at a time.

Each test writes a small handler ending in ``sink(x)`` and asks which origins
(kind, property path, checks) reach the sink's argument.
"""

from __future__ import annotations

from agents.edge_reliability.flow.facts import flow_facts
from agents.edge_reliability.model.build import build_model
from agents.ts.parse import parse_ts

PATH = "supabase/functions/demo/index.ts"


def _sink(body: str, shared: dict[str, str] | None = None) -> set[tuple[str, str, frozenset[str]]]:
    text = f"Deno.serve(async (req) => {{\n{body}\n}});\n"
    helpers = shared or {}
    model = build_model(parse_ts(PATH, text), helpers.get)
    facts = flow_facts(model)
    [call] = [c for c in facts.calls if c.name == "sink"]
    return {(o.kind, ".".join(o.path), o.checks) for o in call.args[0]}


def test_destructuring_ternary_nullish_and_string_methods_keep_the_source() -> None:
    got = _sink(
        "const { q } = await req.json();\n"
        "const term = (q ?? '').trim().slice(0, 80);\n"
        "const x = term ? `%${term}%` : '';\n"
        "sink(x);"
    )
    assert got == {("body", "q", frozenset())}


def test_query_string_path_and_headers() -> None:
    got = _sink(
        "const url = new URL(req.url);\n"
        "const a = url.searchParams.get('a');\n"
        "const b = url.pathname.split('/').pop();\n"
        "const c = req.headers.get('x-team');\n"
        "sink([a, b, c]);"
    )
    assert {kind for kind, _, _ in got} == {"query", "path", "header"}


def test_authorization_header_is_a_credential_and_apikey_nothing() -> None:
    got = _sink("sink([req.headers.get('Authorization'), req.headers.get('apikey')]);")
    assert {kind for kind, _, _ in got} == {"credential"}


def test_same_file_helper_return_value_is_followed() -> None:
    text = (
        "function pick(input: string) { return input.toLowerCase(); }\n"
        "Deno.serve(async (req) => {\n"
        "  const body = await req.json();\n"
        "  sink(pick(body.slug));\n"
        "});\n"
    )
    facts = flow_facts(build_model(parse_ts(PATH, text)))
    [call] = [c for c in facts.calls if c.name == "sink"]
    assert {(o.kind, o.field) for o in call.args[0]} == {("body", "slug")}


def test_shared_module_helper_is_followed_and_reanchored_at_the_call() -> None:
    shared = {
        "supabase/functions/_shared/auth.ts": (
            "import { decodeJwt } from 'npm:jose@5';\n"
            "export function callerId(req: Request) {\n"
            "  const token = req.headers.get('Authorization') ?? '';\n"
            "  const { sub } = decodeJwt(token);\n"
            "  return sub;\n"
            "}\n"
        )
    }
    text = (
        "import { callerId } from '../_shared/auth.ts';\n"
        "Deno.serve(async (req) => {\n"
        "  const id = callerId(req);\n"
        "  sink(id);\n"
        "});\n"
    )
    facts = flow_facts(build_model(parse_ts(PATH, text), shared.get))
    [call] = [c for c in facts.calls if c.name == "sink"]
    [origin] = call.args[0]
    assert origin.kind == "unverified_jwt" and origin.line == 3 and "callerId" in origin.via


def test_guards_that_return_are_sanitisers_truthiness_is_not() -> None:
    regex = _sink(
        "const { q } = await req.json();\n"
        "if (!/^[a-z]+$/.test(q)) return new Response('bad', { status: 400 });\n"
        "sink(q);"
    )
    assert regex == {("body", "q", frozenset({"regex"}))}
    truthy = _sink(
        "const { q } = await req.json();\n"
        "if (!q || typeof q !== 'string') return new Response('bad', { status: 400 });\n"
        "sink(q);"
    )
    assert truthy == {("body", "q", frozenset())}
    allow = _sink(
        "const { s } = await req.json();\n"
        "if (!ALLOWED.has(s)) return new Response('bad', { status: 400 });\n"
        "sink(s);"
    )
    assert allow == {("body", "s", frozenset({"allow_list"}))}


def test_schema_parse_and_number_conversion_are_checks() -> None:
    got = _sink(
        "const input = Schema.parse(await req.json());\nconst n = Number(input.limit);\nsink(n);"
    )
    assert got == {("body", "limit", frozenset({"schema", "number"}))}


def test_host_allow_list_on_a_parsed_url() -> None:
    got = _sink(
        "const { url } = await req.json();\n"
        "const u = new URL(url);\n"
        "if (!HOSTS.has(u.hostname)) return new Response('no', { status: 400 });\n"
        "sink(u);"
    )
    assert got == {("body", "url", frozenset({"host"}))}


def test_values_after_a_fixed_host_cannot_choose_it() -> None:
    got = _sink("const { id } = await req.json();\nsink(`https://api.example.com/items/${id}`);")
    assert got == {("body", "id", frozenset({"host_fixed"}))}


def test_verified_user_is_identity_and_user_metadata_is_caller_controlled() -> None:
    got = _sink(
        "const { data: { user } } = await supabase.auth.getUser(token);\n"
        "sink([user.id, user.user_metadata.role]);"
    )
    assert {(kind, path) for kind, path, _ in got} == {
        ("identity", ""),
        ("user_metadata", "user_metadata.role"),
    }


def _queries(text: str, shared: dict[str, str] | None = None) -> list[tuple[str, bool]]:
    helpers = shared or {}
    facts = flow_facts(build_model(parse_ts(PATH, text), helpers.get))
    return [(q.client.what, q.fact.authorised) for q in facts.queries()]


def test_a_shared_secret_compared_before_the_query_authorises_it() -> None:
    text = (
        "const admin = createClient(url, Deno.env.get('SUPABASE_SERVICE_ROLE_KEY')!);\n"
        "function expected() { return Deno.env.get('CONNECTOR_TOKEN') ?? ''; }\n"
        "Deno.serve(async (req) => {\n"
        "  const token = req.headers.get('Authorization')?.replace('Bearer ', '');\n"
        "  if (token !== expected()) return new Response('no', { status: 401 });\n"
        "  const { id } = await req.json();\n"
        "  await admin.from('jobs').delete().eq('id', id);\n"
        "});\n"
    )
    assert _queries(text) == [("service_role:admin", True)]
    unchecked = text.replace(
        "  if (token !== expected()) return new Response('no', { status: 401 });\n", ""
    )
    assert _queries(unchecked) == [("service_role:admin", False)]


def test_a_verifier_result_held_in_a_variable_signs_the_body() -> None:
    got = _sink(
        "const raw = await req.text();\n"
        "const ok = await validateWebhookSignature(req, raw);\n"
        "if (!ok) return new Response('bad', { status: 401 });\n"
        "sink(JSON.parse(raw));"
    )
    assert got == {("body", "", frozenset({"signed"}))}


def test_clients_behind_an_import_alias_and_a_barrel_module() -> None:
    shared = {
        "supabase/functions/_shared/index.ts": "export { adminClient } from './clients.ts';\n",
        "supabase/functions/_shared/clients.ts": (
            "import { createClient as base } from 'npm:@supabase/supabase-js@2';\n"
            "export function adminClient() {\n"
            "  return base<Db>(url, Deno.env.get('SUPABASE_SERVICE_ROLE_KEY')!);\n"
            "}\n"
        ),
    }
    text = (
        "import { adminClient } from '../_shared/index.ts';\n"
        "Deno.serve(async (req) => {\n"
        "  const db = adminClient();\n"
        "  await db.from('jobs').select('id');\n"
        "});\n"
    )
    assert _queries(text, shared) == [("service_role:db", False)]
