#!/usr/bin/env python3
"""Time parse + model + data flow + rules for generated Edge Functions (edge_reliability, PERF020).

Usage: ``python scripts/bench_edge.py [--files 200] [--repeat 3]``.  Builds N
functions (three templates: CORS/errors/timeouts, a caller-scoped client, and
one that exercises the data flow: helpers, guards, filter strings, row
selectors, fetch URLs; names varied so nothing is cached between files), runs
the edge_reliability rule pack and the PERF020 rule on a fresh workspace, and
prints the best wall-clock (and CPU) time of ``--repeat`` runs.  No network,
no repository needed.
"""

from __future__ import annotations

import argparse
import time

from agents.changes import ChangedFile, DictTree, FileStatus, Workspace
from agents.edge_reliability.agent import run_rules
from agents.schema_performance.rules.query_in_loop import QueryInLoop
from agents.ts.context import ts_context_for

TEMPLATES = (
    """\
import {{ createClient }} from "npm:@supabase/supabase-js@2.45.4";
import {{ corsHeaders }} from "../_shared/cors.ts";

const KEY = Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!;
const admin{i} = createClient(Deno.env.get("SUPABASE_URL")!, KEY);

function json{i}(body: unknown, status = 200): Response {{
  return new Response(JSON.stringify(body), {{ status, headers: {{ ...corsHeaders }} }});
}}

Deno.serve(async (req) => {{
  if (req.method === "OPTIONS") return new Response("ok", {{ headers: corsHeaders }});
  const payload = await req.json();
  const {{ error }} = await admin{i}
    .from("t{i}")
    .upsert({{ user_id: payload.userId, v: payload.v }});
  if (error) {{
    console.error("failed", error);
  }}
  for (const item of payload.items ?? []) {{
    await admin{i}.from("items{i}").insert({{ item }});
  }}
  return json{i}({{ ok: true }});
}});
""",
    """\
import {{ serve }} from "https://deno.land/std/http/server.ts";
import {{ createClient }} from "https://esm.sh/@supabase/supabase-js";

serve(async (req) => {{
  const anon = Deno.env.get("SUPABASE_ANON_KEY")!;
  const supabase = createClient(Deno.env.get("SUPABASE_URL")!, anon, {{
    global: {{ headers: {{ Authorization: req.headers.get("Authorization") ?? "" }} }},
  }});
  const {{ data: {{ user }} }} = await supabase.auth.getUser();
  if (!user) return Response.json({{ error: "Unauthorized" }}, {{ status: 401 }});
  const res = await fetch("https://api.example.com/{i}", {{ method: "POST" }});
  supabase.from("log{i}").insert({{ user_id: user.id, status: res.status }});
  try {{
    const {{ data, error }} = await supabase.from("rows{i}").select("*");
    if (error) return Response.json({{ error: error.message }}, {{ status: 500 }});
    return Response.json(data);
  }} catch (err) {{
    return Response.json({{ error: String(err) }}, {{ status: 500 }});
  }}
}});
""",
    """\
import {{ createClient }} from "npm:@supabase/supabase-js@2.45.4";
import {{ corsHeaders }} from "../_shared/cors.ts";

const KEY{i} = Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!;
const admin{i} = createClient(Deno.env.get("SUPABASE_URL")!, KEY{i});
const SLUG{i} = /^[a-z0-9-]{{1,40}}$/;

function pattern{i}(term: string): string {{
  return `%${{term.trim().slice(0, 80)}}%`;
}}

Deno.serve(async (req) => {{
  if (req.method === "OPTIONS") return new Response("ok", {{ headers: corsHeaders }});
  const jwt = (req.headers.get("Authorization") ?? "").replace("Bearer ", "");
  const {{ data: {{ user }}, error: authError }} = await admin{i}.auth.getUser(jwt);
  if (authError || !user) return Response.json({{ error: "Unauthorized" }}, {{ status: 401 }});
  const url = new URL(req.url);
  const slug = url.searchParams.get("slug") ?? "";
  if (!SLUG{i}.test(slug)) return Response.json({{ error: "bad slug" }}, {{ status: 400 }});
  const {{ projectId, q, hook }} = await req.json();
  const term = q ? pattern{i}(q) : "%";
  const {{ data: member }} = await admin{i}.from("members{i}").select("role")
    .eq("project_id", projectId).eq("user_id", user.id).maybeSingle();
  if (!member) return Response.json({{ error: "Forbidden" }}, {{ status: 403 }});
  const {{ data, error }} = await admin{i}.from("docs{i}").select("id")
    .eq("project_id", projectId).or(`slug.eq.${{slug}},title.ilike.${{term}}`);
  if (error) return Response.json({{ error: "failed" }}, {{ status: 500 }});
  const body = JSON.stringify(data);
  await fetch(hook, {{ method: "POST", body, signal: AbortSignal.timeout(5000) }});
  return Response.json(data, {{ headers: corsHeaders }});
}});
""",
)


def build_workspace(count: int) -> Workspace:
    files: list[ChangedFile] = []
    head: dict[str, str] = {
        "supabase/functions/_shared/cors.ts": (
            'export const corsHeaders = { "Access-Control-Allow-Origin": "*" };\n'
        )
    }
    for i in range(count):
        text = TEMPLATES[i % len(TEMPLATES)].format(i=i)
        path = f"supabase/functions/fn-{i}/index.ts"
        head[path] = text
        files.append(
            ChangedFile(
                path=path,
                status=FileStatus.ADDED,
                added_lines=frozenset(range(1, text.count("\n") + 2)),
                head_text=text,
                head_complete=True,
            )
        )
    return Workspace(files=files, head=DictTree(head), has_repo=True)


def run_once(count: int) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, findings) of one review of ``count`` functions."""
    workspace = build_workspace(count)
    start = time.perf_counter()
    cpu = time.process_time()
    outcome = run_rules(workspace.files, workspace)
    findings = len(outcome.findings)
    rule = QueryInLoop()
    for file in workspace.files:
        ctx = ts_context_for(file, workspace)
        if ctx is not None:
            findings += len(list(rule.check(ctx)))
    return time.perf_counter() - start, time.process_time() - cpu, findings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    run_once(2)  # warm up: grammar load and query compilation happen once per process
    best, cpu, findings = min(run_once(args.files) for _ in range(args.repeat))
    lines = sum(t.count("\n") for t in TEMPLATES) * args.files // len(TEMPLATES)
    print(
        f"{args.files} edge functions (~{lines} lines): parse + model + rules "
        f"{best * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU (best of {args.repeat}), "
        f"{findings} findings"
    )


if __name__ == "__main__":
    main()
