import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";

const admin = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
  { auth: { persistSession: false } },
);

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }

  const url = new URL(req.url);
  const orgId = url.searchParams.get("org");
  if (!orgId) {
    return new Response("org is required", { status: 400, headers: corsHeaders });
  }

  const { data: customers, error } = await admin
    .from("customers")
    .select("id, full_name, email, phone, lifetime_value_cents, created_at")
    .eq("org_id", orgId)
    .order("created_at");
  if (error) {
    console.error("customer export failed", error.code);
    return new Response("Export failed", { status: 500, headers: corsHeaders });
  }

  const header = "id,full_name,email,phone,lifetime_value_cents,created_at";
  const rows = customers.map((c) =>
    [c.id, c.full_name, c.email, c.phone, c.lifetime_value_cents, c.created_at].map(csvCell).join(",")
  );

  return new Response([header, ...rows].join("\n"), {
    headers: {
      ...corsHeaders,
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="customers-${orgId}.csv"`,
    },
  });
});
