import { createClient } from "npm:@supabase/supabase-js@2.45.4";

const admin = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
  { auth: { persistSession: false } },
);

Deno.serve(async (req) => {
  if (req.headers.get("x-cron-secret") !== Deno.env.get("CRON_SECRET")) {
    return new Response("forbidden", { status: 403 });
  }
  const { data, error } = await admin.from("profiles").select("id, full_name").limit(1000);
  if (error) {
    console.error("digest query failed", error.message);
    return new Response("error", { status: 500 });
  }
  console.log(`digest prepared for ${data.length} users`);
  return new Response("ok");
});
