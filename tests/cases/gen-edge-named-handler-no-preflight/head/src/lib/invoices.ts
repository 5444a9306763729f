import { supabase } from "./supabase";

// Downloads a PDF for one of the signed-in user's invoices.
export async function downloadInvoice(invoiceId: string): Promise<Blob> {
  const { data: { session } } = await supabase.auth.getSession();
  if (!session) throw new Error("Not signed in");

  const res = await fetch(`${import.meta.env.PUBLIC_SUPABASE_URL}/functions/v1/invoice-pdf`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${session.access_token}`,
      "Content-Type": "application/json",
    },
    body: JSON.stringify({ invoiceId }),
  });
  if (!res.ok) throw new Error(`Could not download the invoice (${res.status})`);
  return await res.blob();
}
