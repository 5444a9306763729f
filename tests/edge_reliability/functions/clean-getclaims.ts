import { createClient } from "npm:@supabase/supabase-js@2.49.0";
import { corsHeaders } from "../_shared/cors.ts";

const admin = createClient(Deno.env.get("SUPABASE_URL")!, Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!);

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });
}

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") return new Response("ok", { headers: corsHeaders });
  const token = req.headers.get("Authorization")?.replace("Bearer ", "");
  if (!token) return json({ error: "Missing token" }, 401);
  const { data: claims, error: claimsError } = await admin.auth.getClaims(token);
  if (claimsError || !claims) return json({ error: "Invalid token" }, 401);
  const userId = claims.claims.sub;

  let body: { displayName?: unknown };
  try {
    body = await req.json();
  } catch {
    return json({ error: "Body must be JSON" }, 400);
  }
  if (typeof body.displayName !== "string" || body.displayName.length > 80) {
    return json({ error: "displayName must be a string of at most 80 characters" }, 400);
  }
  const { error } = await admin.from("profiles").update({ display_name: body.displayName }).eq("id", userId);
  if (error) {
    console.error("profile update failed", error.code);
    return json({ error: "Could not update the profile" }, 500);
  }
  const { error: auditError } = await admin.from("audit_log").insert({ actor: userId, action: "rename" });
  if (auditError) console.warn("audit insert failed", auditError.code);
  return json({ ok: true });
});
