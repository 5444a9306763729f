import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";

const supabaseAdmin = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
);

type MatchMode = "exact" | "prefix";

function respond(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });
}

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }

  const token = req.headers.get("Authorization")?.replace("Bearer ", "");
  if (!token) {
    return respond({ error: "Missing authorization" }, 401);
  }
  const { data: auth, error: authError } = await supabaseAdmin.auth.getUser(token);
  if (authError || !auth.user) {
    return respond({ error: "Unauthorized" }, 401);
  }

  // Invite dialog: look a member up by username (default) or by any other
  // profile field the UI offers, exact or as-you-type.
  const url = new URL(req.url);
  const field = url.searchParams.get("by") ?? "username";
  const mode = (url.searchParams.get("match") ?? "exact") as MatchMode;
  const value = url.searchParams.get("value")?.trim() ?? "";
  if (value.length < 2) {
    return respond({ members: [] });
  }

  const operator = mode === "prefix" ? "ilike" : "eq";
  const needle = mode === "prefix" ? `${value}%` : value;

  const { data: members, error } = await supabaseAdmin
    .from("profiles")
    .select("id, username, display_name, avatar_url")
    .filter(field, operator, needle)
    .limit(10);

  if (error) {
    console.error("find-member lookup failed", error);
    return respond({ error: "Lookup failed" }, 500);
  }

  return respond({ members });
});
