import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";

const supabaseAdmin = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
);

function respond(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });
}

// GET /functions/v1/invoice/<invoice id>
Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }

  const authHeader = req.headers.get("Authorization") ?? "";
  const jwt = authHeader.replace(/^Bearer\s+/i, "");
  const { data: { user }, error: authError } = await supabaseAdmin.auth.getUser(jwt);
  if (authError || !user) {
    return respond({ error: "Unauthorized" }, 401);
  }

  const segments = new URL(req.url).pathname.split("/").filter(Boolean);
  const invoiceId = segments[segments.length - 1];
  if (!invoiceId || invoiceId === "invoice") {
    return respond({ error: "Invoice id missing" }, 400);
  }

  const { data: invoice, error } = await supabaseAdmin
    .from("invoices")
    .select("id, number, issued_at, total_cents, currency, billing_address, line_items(description, quantity, unit_cents)")
    .eq("id", invoiceId)
    .maybeSingle();

  if (error) {
    console.error("invoice lookup failed", error);
    return respond({ error: "Could not load the invoice" }, 500);
  }
  if (!invoice) {
    return respond({ error: "Not found" }, 404);
  }

  return respond({ invoice });
});
