import { createClient } from "npm:@supabase/supabase-js@2.45.4";

const SERVICE_KEY = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6ImFiY2RlZmdoaWprbG1ub3AiLCJyb2xlIjoic2VydmljZV9yb2xlIiwiaWF0IjoxNzAwMDAwMDAwLCJleHAiOjIwMDAwMDAwMDB9.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl";

const admin = createClient("https://abcdefghijklmnop.supabase.co", SERVICE_KEY);

Deno.serve(async (req: Request) => {
  const auth = req.headers.get("x-cron-secret");
  if (auth !== Deno.env.get("CRON_SECRET")) {
    return new Response("forbidden", { status: 403 });
  }
  const { data: contacts, error } = await admin.from("contacts").select("id, email").limit(500);
  if (error) {
    return new Response("db error", { status: 500 });
  }
  const res = await fetch("https://crm.example.com/api/import", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(contacts),
  });
  return new Response(JSON.stringify({ ok: res.ok }), {
    headers: { "Content-Type": "application/json" },
  });
});
