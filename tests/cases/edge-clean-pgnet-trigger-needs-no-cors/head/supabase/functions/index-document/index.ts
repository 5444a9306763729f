// Called by an AFTER INSERT trigger on public.documents through pg_net, with the
// inserting user's JWT forwarded in the Authorization header. No browser calls it.
import { createClient } from "npm:@supabase/supabase-js@2.45.4";

Deno.serve(async (req) => {
  const supabase = createClient(
    Deno.env.get("SUPABASE_URL")!,
    Deno.env.get("SUPABASE_ANON_KEY")!,
    { global: { headers: { Authorization: req.headers.get("Authorization") ?? "" } } },
  );
  const { data: { user }, error: authError } = await supabase.auth.getUser();
  if (authError || !user) {
    return Response.json({ error: "Unauthorized" }, { status: 401 });
  }

  let documentId: number;
  try {
    ({ documentId } = await req.json());
  } catch {
    return Response.json({ error: "Invalid JSON" }, { status: 400 });
  }
  const { error } = await supabase
    .from("documents")
    .update({ indexed_at: new Date().toISOString() })
    .eq("id", documentId);
  if (error) {
    console.error("index-document: update failed", error.code);
    return Response.json({ error: "Could not index" }, { status: 500 });
  }
  return Response.json({ ok: true });
});
