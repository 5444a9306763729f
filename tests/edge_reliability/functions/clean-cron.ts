import { createClient } from "npm:@supabase/supabase-js@2.45.4";

const admin = createClient(Deno.env.get("SUPABASE_URL")!, Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!, {
  auth: { persistSession: false },
});
const CRON_SECRET = Deno.env.get("CRON_SECRET")!;

Deno.serve(async (req) => {
  if (req.headers.get("Authorization") !== `Bearer ${CRON_SECRET}`) {
    return new Response("Unauthorized", { status: 401 });
  }
  const cutoff = new Date(Date.now() - 30 * 24 * 3600 * 1000).toISOString();
  const { count, error } = await admin
    .from("sessions")
    .delete({ count: "exact" })
    .lt("last_seen_at", cutoff);
  if (error) {
    console.error("cleanup failed", error.code);
    return new Response("cleanup failed", { status: 500 });
  }
  console.log("expired sessions removed", count);
  return Response.json({ removed: count });
});
