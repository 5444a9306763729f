import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });
}

Deno.serve(async (req: Request) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }
  try {
    const authHeader = req.headers.get("Authorization");
    if (!authHeader) return json({ error: "unauthorized" }, 401);

    const supabase = createClient(
      Deno.env.get("SUPABASE_URL")!,
      Deno.env.get("SUPABASE_ANON_KEY")!,
      { global: { headers: { Authorization: authHeader } } },
    );

    const { data: { user }, error: userError } = await supabase.auth.getUser();
    if (userError || !user) return json({ error: "unauthorized" }, 401);

    const body = await req.json().catch(() => null);
    const month = typeof body?.month === "string" && /^\d{4}-\d{2}$/.test(body.month) ? body.month : null;
    if (!month) return json({ error: "month must look like 2024-05" }, 400);

    const { data, error } = await supabase
      .from("invoices")
      .select("id, total_cents, issued_at")
      .gte("issued_at", `${month}-01`)
      .order("issued_at");
    if (error) {
      console.error("export-report query failed", error.code);
      return json({ error: "could not load invoices" }, 500);
    }

    const res = await fetch("https://api.pdfmonkey.io/api/v1/documents", {
      method: "POST",
      headers: { Authorization: `Bearer ${Deno.env.get("PDFMONKEY_KEY")}`, "Content-Type": "application/json" },
      body: JSON.stringify({ payload: { rows: data } }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) return json({ error: "report service unavailable" }, 502);
    const doc = await res.json();
    return json({ url: doc.document?.download_url ?? null });
  } catch (_err) {
    console.error("export-report failed");
    return json({ error: "internal error" }, 500);
  }
});
