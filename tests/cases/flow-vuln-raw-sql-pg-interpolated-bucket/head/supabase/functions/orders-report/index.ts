import { createClient } from "jsr:@supabase/supabase-js@2";
import pg from "npm:pg@8.11.3";
import { corsHeaders } from "../_shared/cors.ts";

const pool = new pg.Pool({
  connectionString: Deno.env.get("SUPABASE_DB_URL"),
  max: 3,
  idleTimeoutMillis: 10_000,
  statement_timeout: 15_000,
});

interface ReportRequest {
  orgId: string;
  from: string;
  to: string;
  groupBy?: string;
}

function reportSql(orgId: string, bucket: string, from: string, to: string): string {
  return `
    select date_trunc('${bucket}', o.created_at) as bucket,
           count(*)::int as orders,
           sum(o.total_cents)::bigint as revenue_cents
      from public.orders o
     where o.org_id = '${orgId}'
       and o.created_at >= '${from}'
       and o.created_at < '${to}'
     group by 1
     order by 1`;
}

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
    { global: { headers: { Authorization: req.headers.get("Authorization")! } } },
  );
  const { data: { user }, error: authError } = await supabase.auth.getUser();
  if (authError || !user) {
    return json({ error: "Unauthorized" }, 401);
  }

  let body: ReportRequest;
  try {
    body = await req.json();
  } catch {
    return json({ error: "Invalid JSON" }, 400);
  }

  // RLS on org_members only shows the caller's own memberships.
  const { data: membership, error: memberError } = await supabase
    .from("org_members")
    .select("role")
    .eq("org_id", body.orgId)
    .eq("user_id", user.id)
    .maybeSingle();
  if (memberError) {
    console.error("orders-report: membership lookup failed", memberError);
    return json({ error: "Could not check access" }, 500);
  }
  if (!membership) {
    return json({ error: "Forbidden" }, 403);
  }

  const bucket = body.groupBy ?? "day";
  const text = reportSql(body.orgId, bucket, body.from, body.to);
  try {
    const { rows } = await pool.query(text);
    return json({ rows });
  } catch (err) {
    console.error("orders-report query failed", err);
    return json({ error: "Report failed" }, 500);
  }
});
