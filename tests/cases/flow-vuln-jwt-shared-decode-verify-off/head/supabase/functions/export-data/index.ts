import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { callerId } from "../_shared/auth.ts";
import { corsHeaders } from "../_shared/cors.ts";

const admin = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
);

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });
}

// GDPR export: everything we hold about the signed-in user, as one JSON file.
Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }

  const userId = callerId(req);
  if (!userId) {
    return json({ error: "Unauthorized" }, 401);
  }

  const [profile, notes, payments] = await Promise.all([
    admin.from("profiles").select("*").eq("id", userId).maybeSingle(),
    admin.from("notes").select("id, title, body, created_at").eq("owner_id", userId),
    admin.from("payments").select("id, amount_cents, card_last4, created_at").eq("user_id", userId),
  ]);
  const failed = profile.error ?? notes.error ?? payments.error;
  if (failed) {
    console.error("export-data query failed", failed);
    return json({ error: "Export failed" }, 500);
  }

  return new Response(
    JSON.stringify({ profile: profile.data, notes: notes.data, payments: payments.data }, null, 2),
    {
      headers: {
        ...corsHeaders,
        "Content-Type": "application/json",
        "Content-Disposition": 'attachment; filename="export.json"',
      },
    },
  );
});
