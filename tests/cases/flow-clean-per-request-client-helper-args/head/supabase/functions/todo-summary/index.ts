import { createClient, type SupabaseClient } from "jsr:@supabase/supabase-js@2";
import { corsHeaders } from "../_shared/cors.ts";

const SUPABASE_URL = Deno.env.get("SUPABASE_URL")!;
const SUPABASE_ANON_KEY = Deno.env.get("SUPABASE_ANON_KEY")!;
const WEEK_MS = 7 * 86_400_000;
const jsonHeaders = { ...corsHeaders, "Content-Type": "application/json" };

async function openTodos(client: SupabaseClient, userId: string) {
  return await client
    .from("todos")
    .select("id, title, due_on, priority")
    .eq("owner_id", userId)
    .eq("done", false)
    .order("due_on", { ascending: true });
}

async function completedThisWeek(client: SupabaseClient, userId: string) {
  const since = new Date(Date.now() - WEEK_MS).toISOString();
  return await client
    .from("todos")
    .select("id", { count: "exact", head: true })
    .eq("owner_id", userId)
    .eq("done", true)
    .gte("completed_at", since);
}

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }

  const authHeader = req.headers.get("Authorization");
  if (!authHeader) {
    return new Response(JSON.stringify({ error: "Unauthorized" }), {
      status: 401,
      headers: jsonHeaders,
    });
  }

  // One client per request: it carries this caller's JWT and nobody else's.
  const supabase = createClient(SUPABASE_URL, SUPABASE_ANON_KEY, {
    global: { headers: { Authorization: authHeader } },
    auth: { persistSession: false },
  });

  const { data: { user }, error: authError } = await supabase.auth.getUser();
  if (authError || !user) {
    return new Response(JSON.stringify({ error: "Unauthorized" }), {
      status: 401,
      headers: jsonHeaders,
    });
  }

  const [open, done] = await Promise.all([
    openTodos(supabase, user.id),
    completedThisWeek(supabase, user.id),
  ]);
  if (open.error || done.error) {
    console.error("todo-summary failed", open.error ?? done.error);
    return new Response(JSON.stringify({ error: "Could not load todos" }), {
      status: 500,
      headers: jsonHeaders,
    });
  }

  return new Response(
    JSON.stringify({ open: open.data, completedThisWeek: done.count ?? 0 }),
    { headers: jsonHeaders },
  );
});
