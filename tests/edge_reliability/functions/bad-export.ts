import { createClient } from "npm:@supabase/supabase-js@2.45.4";

Deno.serve(async (req) => {
  const supabase = createClient(
    Deno.env.get("SUPABASE_URL")!,
    Deno.env.get("SUPABASE_ANON_KEY")!,
    { global: { headers: { Authorization: req.headers.get("Authorization") ?? "" } } },
  );
  const { data: { user } } = await supabase.auth.getUser();
  if (!user) return Response.json({ error: "Unauthorized" }, { status: 401 });
  const { data, error } = await supabase.from("entries").select("created_at, amount").order("created_at");
  if (error) {
    console.error("export failed", error.code);
    return Response.json({ error: "Could not export" }, { status: 500 });
  }
  const csv = ["created_at,amount", ...data.map((r) => `${r.created_at},${r.amount}`)].join("\n");
  return new Response(csv, { headers: { "Content-Type": "text/csv" } });
});
