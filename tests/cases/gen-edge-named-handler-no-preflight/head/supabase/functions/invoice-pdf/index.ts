import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { PDFDocument, StandardFonts } from "npm:pdf-lib@1.17.1";
import { corsHeaders } from "../_shared/cors.ts";

const SUPABASE_URL = Deno.env.get("SUPABASE_URL")!;
const SUPABASE_ANON_KEY = Deno.env.get("SUPABASE_ANON_KEY")!;

function jsonError(message: string, status: number): Response {
  return new Response(JSON.stringify({ error: message }), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });
}

async function renderInvoice(invoice: {
  number: string;
  issued_on: string;
  total_cents: number;
  currency: string;
}): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  page.drawText(`Invoice ${invoice.number}`, { x: 50, y: 780, size: 20, font });
  page.drawText(`Issued ${invoice.issued_on}`, { x: 50, y: 750, size: 12, font });
  page.drawText(
    `Total ${(invoice.total_cents / 100).toFixed(2)} ${invoice.currency.toUpperCase()}`,
    { x: 50, y: 730, size: 12, font },
  );
  return await pdf.save();
}

async function handler(req: Request): Promise<Response> {
  if (req.method !== "POST") {
    return jsonError("Method not allowed", 405);
  }

  const authorization = req.headers.get("Authorization");
  if (!authorization) {
    return jsonError("Missing authorization header", 401);
  }
  const supabase = createClient(SUPABASE_URL, SUPABASE_ANON_KEY, {
    global: { headers: { Authorization: authorization } },
  });
  const { data: { user }, error: userError } = await supabase.auth.getUser();
  if (userError || !user) {
    return jsonError("Unauthorized", 401);
  }

  let invoiceId: unknown;
  try {
    ({ invoiceId } = await req.json());
  } catch {
    return jsonError("Body must be JSON", 400);
  }
  if (typeof invoiceId !== "string") {
    return jsonError("invoiceId is required", 400);
  }

  // RLS only returns invoices of the caller's own account.
  const { data: invoice, error } = await supabase
    .from("invoices")
    .select("number, issued_on, total_cents, currency")
    .eq("id", invoiceId)
    .maybeSingle();
  if (error) {
    console.error("invoice lookup failed", error.code);
    return jsonError("Could not load the invoice", 500);
  }
  if (!invoice) {
    return jsonError("Invoice not found", 404);
  }

  const bytes = await renderInvoice(invoice);
  return new Response(bytes, {
    headers: {
      ...corsHeaders,
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="invoice-${invoice.number}.pdf"`,
    },
  });
}

Deno.serve(handler);
