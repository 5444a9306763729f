import { createClient, type SupabaseClient } from "npm:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";

const headers = { ...corsHeaders, "Content-Type": "application/json" };

// Reused between invocations to avoid re-creating the client every time.
let supabase: SupabaseClient | undefined;

function isUuid(value: unknown): value is string {
  return typeof value === "string" && /^[0-9a-f-]{36}$/i.test(value);
}

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }

  supabase = createClient(Deno.env.get("SUPABASE_URL")!, Deno.env.get("SUPABASE_ANON_KEY")!, {
    global: { headers: { Authorization: req.headers.get("Authorization") ?? "" } },
  });

  const { data: { user } } = await supabase.auth.getUser();
  if (!user) {
    return new Response(JSON.stringify({ error: "Unauthorized" }), { status: 401, headers });
  }

  let cardIds: unknown;
  try {
    ({ cardIds } = await req.json());
  } catch {
    return new Response(JSON.stringify({ error: "Body must be JSON" }), { status: 400, headers });
  }
  if (!Array.isArray(cardIds) || cardIds.length > 500 || !cardIds.every(isUuid)) {
    return new Response(JSON.stringify({ error: "cardIds must be a list of ids" }), { status: 400, headers });
  }

  const results = await Promise.all(
    cardIds.map((id, index) =>
      supabase!.from("cards").update({ position: index }).eq("id", id)
    ),
  );
  const failed = results.filter((r) => r.error);
  if (failed.length > 0) {
    console.error("reorder failed", failed.length);
    return new Response(JSON.stringify({ error: "Could not save the order" }), { status: 500, headers });
  }

  return new Response(JSON.stringify({ ok: true }), { headers });
});
