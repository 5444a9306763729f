import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";

async function notify(userId: string) {
  await fetch("https://hooks.example.com/notify", {
    method: "POST",
    body: JSON.stringify({ userId }),
    signal: AbortSignal.timeout(3000),
  });
}

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") return new Response("ok", { headers: corsHeaders });
  try {
    const supabase = createClient(Deno.env.get("SUPABASE_URL")!, Deno.env.get("SUPABASE_ANON_KEY")!, {
      global: { headers: { Authorization: req.headers.get("Authorization")! } },
    });
    const { data: { user } } = await supabase.auth.getUser();
    if (!user) return Response.json({ error: "Unauthorized" }, { status: 401, headers: corsHeaders });
    notify(user.id);
    supabase.functions.invoke("send-digest", { body: { userId: user.id } });
    return Response.json({ queued: true }, { headers: corsHeaders });
  } catch {
    return Response.json({ error: "Internal error" }, { status: 500, headers: corsHeaders });
  }
});
