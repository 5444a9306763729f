import { createClient, type SupabaseClient } from "jsr:@supabase/supabase-js@2";
import { corsHeaders } from "../_shared/cors.ts";

let supabase: SupabaseClient;
let currentUserId: string | null = null;

async function openTodos() {
  return await supabase
    .from("todos")
    .select("id, title, due_on, priority")
    .eq("owner_id", currentUserId)
    .eq("done", false)
    .order("due_on", { ascending: true });
}

async function completedThisWeek() {
  const since = new Date(Date.now() - 7 * 86_400_000).toISOString();
  return await supabase
    .from("todos")
    .select("id", { count: "exact", head: true })
    .eq("owner_id", currentUserId)
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
      headers: { ...corsHeaders, "Content-Type": "application/json" },
    });
  }

  supabase = createClient(
    Deno.env.get("SUPABASE_URL")!,
    Deno.env.get("SUPABASE_ANON_KEY")!,
    { global: { headers: { Authorization: authHeader } } },
  );

  const { data: { user }, error: authError } = await supabase.auth.getUser();
  if (authError || !user) {
    return new Response(JSON.stringify({ error: "Unauthorized" }), {
      status: 401,
      headers: { ...corsHeaders, "Content-Type": "application/json" },
    });
  }
  currentUserId = user.id;

  const [open, done] = await Promise.all([openTodos(), completedThisWeek()]);
  if (open.error || done.error) {
    console.error("todo-summary failed", open.error ?? done.error);
    return new Response(JSON.stringify({ error: "Could not load todos" }), {
      status: 500,
      headers: { ...corsHeaders, "Content-Type": "application/json" },
    });
  }

  return new Response(
    JSON.stringify({ open: open.data, completedThisWeek: done.count ?? 0 }),
    { headers: { ...corsHeaders, "Content-Type": "application/json" } },
  );
});
