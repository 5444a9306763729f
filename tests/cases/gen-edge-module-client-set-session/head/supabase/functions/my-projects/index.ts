import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";

// One client per worker instead of one per request (faster cold paths).
const supabase = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_ANON_KEY")!,
  { auth: { persistSession: false, autoRefreshToken: false } },
);

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }

  const token = req.headers.get("Authorization")?.replace(/^Bearer\s+/i, "");
  if (!token) {
    return json({ error: "Missing bearer token" }, 401);
  }

  const { error: sessionError } = await supabase.auth.setSession({
    access_token: token,
    refresh_token: token,
  });
  if (sessionError) {
    return json({ error: "Invalid session" }, 401);
  }

  // RLS returns only the projects the session's user belongs to.
  const { data: projects, error } = await supabase
    .from("projects")
    .select("id, name, updated_at")
    .order("updated_at", { ascending: false })
    .limit(50);
  if (error) {
    console.error("project list failed", error.code);
    return json({ error: "Could not load projects" }, 500);
  }

  return json({ projects });
});
