import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";

const MAX_IDS = 100;

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }

  try {
    const supabase = createClient(
      Deno.env.get("SUPABASE_URL")!,
      Deno.env.get("SUPABASE_ANON_KEY")!,
      { global: { headers: { Authorization: req.headers.get("Authorization")! } } },
    );
    const { data: { user } } = await supabase.auth.getUser();
    if (!user) {
      return Response.json({ error: "Unauthorized" }, { status: 401, headers: corsHeaders });
    }

    const { ids } = await req.json();
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_IDS) {
      return Response.json({ error: `Send 1 to ${MAX_IDS} notification ids` }, {
        status: 400,
        headers: corsHeaders,
      });
    }

    await supabase
      .from("notifications")
      .update({ read_at: new Date().toISOString() })
      .in("id", ids)
      .is("read_at", null);

    return Response.json({ updated: ids.length }, { headers: corsHeaders });
  } catch (err) {
    console.error("mark read failed", err);
    return Response.json({ ok: false }, { headers: corsHeaders });
  }
});
