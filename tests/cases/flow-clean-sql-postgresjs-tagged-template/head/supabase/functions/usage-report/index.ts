import { createClient } from "jsr:@supabase/supabase-js@2";
import postgres from "npm:postgres@3.4.4";
import { corsHeaders } from "../_shared/cors.ts";

// Transaction pooler: prepared statements off, one connection per worker.
const sql = postgres(Deno.env.get("SUPABASE_DB_URL")!, {
  prepare: false,
  max: 1,
  idle_timeout: 20,
  connect_timeout: 10,
});

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });
}

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }

  const supabase = createClient(
    Deno.env.get("SUPABASE_URL")!,
    Deno.env.get("SUPABASE_ANON_KEY")!,
  );
  const jwt = req.headers.get("Authorization")?.replace("Bearer ", "") ?? "";
  const { data: { user }, error: authError } = await supabase.auth.getUser(jwt);
  if (authError || !user) {
    return json({ error: "Unauthorized" }, 401);
  }

  const params = new URL(req.url).searchParams;
  const projectId = params.get("project") ?? "";
  if (!UUID_RE.test(projectId)) {
    return json({ error: "project must be a uuid" }, 400);
  }
  const days = Number(params.get("days") ?? "30");
  if (!Number.isInteger(days) || days < 1 || days > 90) {
    return json({ error: "days must be between 1 and 90" }, 400);
  }
  const since = new Date(Date.now() - days * 86_400_000);

  try {
    // Tagged template: every ${} below is sent as a bound parameter.
    const rows = await sql`
      select date_trunc('day', e.created_at) as day, count(*)::int as events
        from public.events e
        join public.project_members m
          on m.project_id = e.project_id and m.user_id = ${user.id}
       where e.project_id = ${projectId}
         and e.created_at >= ${since}
       group by 1
       order by 1`;
    return json({ days: rows });
  } catch (err) {
    console.error("usage-report query failed", err);
    return json({ error: "Report failed" }, 500);
  }
});
