import { createClient } from "npm:@supabase/supabase-js@2.45.4";

const admin = createClient(Deno.env.get("SUPABASE_URL")!, Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!);

Deno.serve(async (req) => {
  const signature = req.headers.get("x-signature");
  if (signature !== Deno.env.get("IMPORT_SECRET")) return new Response("no", { status: 401 });
  const rows: { sku: string; qty: number }[] = await req.json();
  const results = await Promise.all(
    rows.map(async (row) => {
      const { error } = await admin.from("stock").update({ qty: row.qty }).eq("sku", row.sku);
      return error ? row.sku : null;
    }),
  );
  return Response.json({ failed: results.filter(Boolean) });
});
