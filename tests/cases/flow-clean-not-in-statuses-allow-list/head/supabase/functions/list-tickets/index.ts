import { createClient } from "jsr:@supabase/supabase-js@2";
import { corsHeaders } from "../_shared/cors.ts";

const STATUSES = new Set(["new", "open", "pending", "on_hold", "solved", "closed"]);
const DEFAULT_HIDDEN = ["solved", "closed"];

function reply(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });
}

function parseList(raw: string | null, fallback: string[]): string[] {
  if (raw === null) return fallback;
  return raw.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
}

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }

  const supabase = createClient(
    Deno.env.get("SUPABASE_URL")!,
    Deno.env.get("SUPABASE_ANON_KEY")!,
    { global: { headers: { Authorization: req.headers.get("Authorization") ?? "" } } },
  );
  const { data: { user }, error: authError } = await supabase.auth.getUser();
  if (authError || !user) {
    return reply({ error: "Unauthorized" }, 401);
  }

  const params = new URL(req.url).searchParams;
  const hidden = parseList(params.get("hide"), DEFAULT_HIDDEN);
  if (hidden.length === 0 || !hidden.every((s) => STATUSES.has(s))) {
    return reply({ error: "hide must list known statuses" }, 400);
  }

  // postgrest-js has no typed helper for NOT IN: the list is a raw filter
  // value, which is why every entry is checked against STATUSES above.
  const { data: tickets, error } = await supabase
    .from("tickets")
    .select("id, subject, status, priority, assignee_id, updated_at")
    .not("status", "in", `(${hidden.join(",")})`)
    .eq("assignee_id", user.id)
    .order("updated_at", { ascending: false })
    .limit(100);

  if (error) {
    console.error("list-tickets failed", error);
    return reply({ error: "Could not load tickets" }, 500);
  }
  return reply({ tickets });
});
