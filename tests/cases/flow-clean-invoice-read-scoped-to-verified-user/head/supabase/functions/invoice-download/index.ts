import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Invoices and their PDFs are written by the billing job; customers have no
// direct access to the table or the bucket, so this function hands out a
// short-lived signed URL for their own invoices only.
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

// GET /functions/v1/invoice-download/<invoice id>
Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }

  const jwt = (req.headers.get("Authorization") ?? "").replace(/^Bearer\s+/i, "");
  const { data: { user }, error: authError } = await supabaseAdmin.auth.getUser(jwt);
  if (authError || !user) {
    return respond({ error: "Unauthorized" }, 401);
  }

  const invoiceId = new URL(req.url).pathname.split("/").pop() ?? "";
  if (!UUID_RE.test(invoiceId)) {
    return respond({ error: "Invalid invoice id" }, 400);
  }

  const { data: invoice, error } = await supabaseAdmin
    .from("invoices")
    .select("id, number, pdf_path")
    .eq("id", invoiceId)
    .eq("customer_id", user.id)
    .maybeSingle();
  if (error) {
    console.error("invoice-download lookup failed", error);
    return respond({ error: "Could not load the invoice" }, 500);
  }
  if (!invoice) {
    return respond({ error: "Not found" }, 404);
  }

  const { data: signed, error: signError } = await supabaseAdmin.storage
    .from("invoices")
    .createSignedUrl(invoice.pdf_path, 60, { download: `${invoice.number}.pdf` });
  if (signError || !signed) {
    console.error("invoice-download signing failed", signError);
    return respond({ error: "Could not prepare the download" }, 500);
  }

  return respond({ url: signed.signedUrl });
});
