import { createClient } from "npm:@supabase/supabase-js@2.45.4";

const corsHeaders = {
  "Access-Control-Allow-Origin": Deno.env.get("SITE_URL") ?? "http://localhost:4321",
  "Access-Control-Allow-Headers": "authorization, x-client-info, apikey, content-type",
  "Vary": "Origin",
};

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") return new Response(null, { status: 204, headers: corsHeaders });
  const authorization = req.headers.get("Authorization");
  if (!authorization) return Response.json({ error: "Unauthorized" }, { status: 401, headers: corsHeaders });
  const supabase = createClient(Deno.env.get("SUPABASE_URL")!, Deno.env.get("SUPABASE_ANON_KEY")!, {
    global: { headers: { Authorization: authorization } },
    auth: { persistSession: false },
  });
  const days = Number(new URL(req.url).searchParams.get("days") ?? "30");
  if (!Number.isInteger(days) || days < 1 || days > 365) {
    return Response.json({ error: "days must be 1-365" }, { status: 400, headers: corsHeaders });
  }
  const { data, error } = await supabase.rpc("project_stats", { p_days: days });
  if (error) {
    console.error("stats rpc failed", error.code);
    return Response.json({ error: "Could not load stats" }, { status: 500, headers: corsHeaders });
  }
  return Response.json(data, { headers: { ...corsHeaders, "Cache-Control": "private, max-age=30" } });
});
