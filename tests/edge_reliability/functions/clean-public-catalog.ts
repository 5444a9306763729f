import { createClient } from "jsr:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";

const supabase = createClient(Deno.env.get("SUPABASE_URL")!, Deno.env.get("SUPABASE_ANON_KEY")!);

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }
  try {
    const url = new URL(req.url);
    const category = url.searchParams.get("category");
    let query = supabase.from("products").select("id, name, price_cents").eq("published", true);
    if (category) query = query.eq("category", category);
    const { data, error } = await query.limit(100);
    if (error) {
      console.error("catalog query failed", error.code);
      return Response.json({ error: "Could not load the catalog" }, { status: 500, headers: corsHeaders });
    }
    return Response.json(data, { headers: { ...corsHeaders, "Cache-Control": "public, max-age=60" } });
  } catch (err) {
    console.error("unexpected error", err);
    return Response.json({ error: "Internal error" }, { status: 500, headers: corsHeaders });
  }
});
