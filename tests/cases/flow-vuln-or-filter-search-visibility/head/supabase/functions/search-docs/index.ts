import { createClient } from "jsr:@supabase/supabase-js@2";
import { corsHeaders } from "../_shared/cors.ts";

// Documents are owner-only under RLS; search also has to return public
// documents, so the query runs with the service role and applies the
// visibility rule itself.
const admin = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
  { auth: { persistSession: false } },
);

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

  const jwt = req.headers.get("Authorization")?.replace("Bearer ", "") ?? "";
  const { data: { user }, error: authError } = await admin.auth.getUser(jwt);
  if (authError || !user) {
    return json({ error: "Unauthorized" }, 401);
  }

  const params = new URL(req.url).searchParams;
  const term = (params.get("q") ?? "").trim().slice(0, 80);
  if (!term) {
    return json({ results: [] });
  }

  const pattern = `%${term}%`;
  const visible =
    `and(is_public.eq.true,title.ilike.${pattern}),` +
    `and(owner_id.eq.${user.id},title.ilike.${pattern})`;

  const { data, error } = await admin
    .from("documents")
    .select("id, title, updated_at, is_public, owner_id")
    .or(visible)
    .order("updated_at", { ascending: false })
    .limit(25);

  if (error) {
    console.error("search-docs query failed", error);
    return json({ error: "Search failed" }, 500);
  }

  return json({ results: data });
});
