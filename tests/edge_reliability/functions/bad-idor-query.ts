import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";

const supabaseAdmin = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
);

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") return new Response("ok", { headers: corsHeaders });
  const url = new URL(req.url);
  const accountId = url.searchParams.get("account");
  if (!accountId) {
    return Response.json({ error: "account is required" }, { status: 400, headers: corsHeaders });
  }
  const { data, error } = await supabaseAdmin
    .from("payment_methods")
    .select("id, brand, last4")
    .eq("account_id", accountId);
  if (error) {
    console.error(error.code);
    return Response.json({ error: "lookup failed" }, { status: 500, headers: corsHeaders });
  }
  return Response.json({ methods: data }, { headers: corsHeaders });
});
