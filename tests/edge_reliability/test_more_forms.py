"""Surface forms found by probing past the gen-edge cases: ``void`` builders, ``.match`` ids."""

from __future__ import annotations

from agents.edge_reliability import agent
from agents.findings import Severity
from agents.schema_performance.rules.query_in_loop import QueryInLoop
from agents.ts.context import ts_context_for
from tests.helpers.workspace import workspace_from_trees

FN = "supabase/functions/demo/index.ts"
HEAD = """\
import { createClient } from "npm:@supabase/supabase-js@2.45.4";
const admin = createClient(url, Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!);
Deno.serve(async (req) => {
  let body;
  try { body = await req.json(); } catch { return new Response("bad", { status: 400 }); }
"""
TAIL = """\
  return new Response("ok");
});
"""


def _findings(middle: str) -> list[tuple[str, int, Severity]]:
    workspace = workspace_from_trees({}, {FN: HEAD + middle + TAIL})
    outcome = agent.run_rules(workspace.files, workspace)
    return [
        (f.rule or "", f.line or 0, f.severity)
        for f in outcome.findings
        if f.severity.at_least(Severity.LOW)
    ]


def test_void_on_a_query_builder_is_floating() -> None:
    found = _findings('  void admin.from("visits").insert({ at: Date.now() });\n')
    assert ("EDGE005", 6, Severity.MEDIUM) in found


def test_void_on_fetch_or_a_then_chain_is_deliberate() -> None:
    middle = (
        '  void fetch("https://example.com/ping", { signal: AbortSignal.timeout(1000) });\n'
        '  void admin.from("visits").insert({ at: Date.now() }).then(() => {});\n'
    )
    assert [r for r in _findings(middle) if r[0] == "EDGE005"] == []


def test_match_on_a_user_table_id_from_the_body() -> None:
    middle = (
        '  const { error } = await admin.from("profiles").update({ bio: body.bio })\n'
        "    .match({ id: body.id });\n"
        '  if (error) return new Response("failed", { status: 500 });\n'
    )
    assert ("EDGE009", 7, Severity.CRITICAL) in _findings(middle)


def test_id_key_holding_a_request_user_id() -> None:
    middle = (
        '  const { error } = await admin.from("wallets").delete().match({ id: body.accountId });\n'
        '  if (error) return new Response("failed", { status: 500 });\n'
    )
    assert ("EDGE009", 6, Severity.CRITICAL) in _findings(middle)


def test_any_row_id_from_the_body_selects_rows_of_a_service_role_write() -> None:
    """Issue 13: not only user ids - any row selector the caller picks is an IDOR."""
    middle = (
        '  const { error } = await admin.from("posts").update({ views: 1 })\n'
        "    .match({ id: body.postId });\n"
        '  if (error) return new Response("failed", { status: 500 });\n'
    )
    assert ("EDGE009", 7, Severity.CRITICAL) in _findings(middle)


def test_row_id_from_the_body_after_a_staff_check_is_authorised() -> None:
    middle = (
        '  const { data: { user } } = await admin.auth.getUser(req.headers.get("x-token")!);\n'
        '  if (!user || user.app_metadata.role !== "staff") {\n'
        '    return new Response("forbidden", { status: 403 });\n'
        "  }\n"
        '  const { error } = await admin.from("posts").update({ views: 1 })\n'
        "    .match({ id: body.postId });\n"
        '  if (error) return new Response("failed", { status: 500 });\n'
    )
    assert [r for r in _findings(middle) if r[0] == "EDGE009"] == []


def test_for_each_with_an_async_callback_is_floating() -> None:
    middle = (
        "  body.items.forEach(async (item: { id: string }) => {\n"
        '    await admin.from("cart_items").delete().eq("id", item.id);\n'
        "  });\n"
    )
    assert ("EDGE005", 6, Severity.MEDIUM) in _findings(middle)


def test_for_each_with_a_sync_callback_is_not_floating() -> None:
    middle = "  body.items.forEach((item: { id: string }) => console.log(item.id));\n"
    assert [r for r in _findings(middle) if r[0] == "EDGE005"] == []


def _perf020(middle: str) -> list[tuple[int, Severity]]:
    workspace = workspace_from_trees({}, {FN: HEAD + middle + TAIL})
    found: list[tuple[int, Severity]] = []
    for file in workspace.files:
        ctx = ts_context_for(file, workspace)
        if ctx is not None:
            found.extend((f.line or 0, f.severity) for f in QueryInLoop().check(ctx))
    return found


def test_perf020_per_item_loops_still_fire() -> None:
    per_item = (
        "  for (const item of body.items) {\n"
        '    await admin.from("cart_items").insert({ product_id: item.id });\n'
        "  }\n"
    )
    assert _perf020(per_item) == [(7, Severity.MEDIUM)]
    by_index = (
        "  for (let i = 0; i < body.items.length; i++) {\n"
        '    await admin.rpc("add_item", { p_id: body.items[i].id });\n'
        "  }\n"
    )
    assert _perf020(by_index) == [(7, Severity.MEDIUM)]
    refilled = (
        "  let ids: string[] = [];\n"
        "  ids = body.ids;\n"
        "  for (const id of ids) {\n"
        '    await admin.from("t").delete().eq("id", id);\n'
        "  }\n"
    )
    assert _perf020(refilled) == [(9, Severity.MEDIUM)]


def test_perf020_loops_that_are_not_per_item_are_quiet() -> None:
    chunked = (
        "  for (let i = 0; i < body.rows.length; i += 500) {\n"
        '    await admin.from("contacts").upsert(body.rows.slice(i, i + 500));\n'
        "  }\n"
    )
    fixed_tables = (
        '  const TABLES = ["cart_items", "wishlist_items"] as const;\n'
        "  for (const table of TABLES) {\n"
        '    await admin.from(table).delete().eq("session_id", body.session);\n'
        "  }\n"
        '  await Promise.all(["a", "b"].map((t) => admin.from(t).delete().eq("k", 1)));\n'
    )
    retries = (
        "  for (let attempt = 0; attempt < 3; attempt++) {\n"
        '    const { error } = await admin.from("jobs").update({ ok: true }).eq("id", body.id);\n'
        "    if (!error) break;\n"
        "  }\n"
    )
    paging = (
        "  for (let page = 0; ; page++) {\n"
        '    const { data } = await admin.from("events").select("id")\n'
        "      .range(page * 1000, page * 1000 + 999);\n"
        "    if (!data?.length) break;\n"
        "  }\n"
    )
    for middle in (chunked, fixed_tables, retries, paging):
        assert _perf020(middle) == [], middle


SHARED_ANON = """\
import { createClient } from "npm:@supabase/supabase-js@2.45.4";
const supabase = createClient(url, Deno.env.get("SUPABASE_ANON_KEY")!);
Deno.serve(async (req) => {
  const token = req.headers.get("Authorization")?.replace("Bearer ", "") ?? "";
"""


def _edge(source: str) -> list[tuple[str, int, Severity]]:
    workspace = workspace_from_trees({}, {FN: source})
    outcome = agent.run_rules(workspace.files, workspace)
    return [(f.rule or "", f.line or 0, f.severity) for f in outcome.findings]


def test_session_set_on_a_module_scope_client() -> None:
    source = SHARED_ANON + (
        '  await supabase.auth.setSession({ access_token: token, refresh_token: "" });\n'
        '  const { data } = await supabase.from("notes").select("id");\n'
        "  return Response.json(data);\n"
        "});\n"
    )
    assert ("EDGE003", 5, Severity.HIGH) in _edge(source)


def test_get_user_with_a_token_on_a_module_scope_client_is_fine() -> None:
    source = SHARED_ANON + (
        "  const { data: { user } } = await supabase.auth.getUser(token);\n"
        '  if (!user) return new Response("no", { status: 401 });\n'
        '  return new Response("ok");\n'
        "});\n"
    )
    assert [r for r in _edge(source) if r[0] == "EDGE003"] == []


def test_perf020_sees_a_query_through_a_helper_and_a_client_parameter() -> None:
    """Data flow: the helper's ``store`` is the service-role client the loop passes in."""
    helper = (
        "async function save(store: typeof admin, item: { id: string }) {\n"
        '  await store.from("items").upsert({ id: item.id });\n'
        "}\n"
    )
    loop = "  for (const item of body.items) {\n    await save(admin, item);\n  }\n"
    workspace = workspace_from_trees({}, {FN: helper + HEAD + loop + TAIL})
    [ctx] = [c for c in (ts_context_for(f, workspace) for f in workspace.files) if c]
    found = list(QueryInLoop().check(ctx))
    assert [(f.line, f.severity) for f in found] == [(10, Severity.MEDIUM)]
    assert "save()" in found[0].message
    no_query = helper.replace('await store.from("items").upsert({ id: item.id });', "void item;")
    workspace = workspace_from_trees({}, {FN: no_query + HEAD + loop + TAIL})
    [ctx] = [c for c in (ts_context_for(f, workspace) for f in workspace.files) if c]
    assert list(QueryInLoop().check(ctx)) == []


def test_a_write_chained_with_throw_on_error_is_not_discarded() -> None:
    thrown = '  await admin.from("visits").insert({ at: Date.now() }).throwOnError();\n'
    assert [r for r in _findings(thrown) if r[0] == "EDGE006"] == []
    discarded = '  await admin.from("visits").insert({ at: Date.now() });\n'
    assert ("EDGE006", 6, Severity.MEDIUM) in _findings(discarded)
