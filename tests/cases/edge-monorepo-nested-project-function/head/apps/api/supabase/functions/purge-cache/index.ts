import { createClient } from "npm:@supabase/supabase-js@2.45.4";

const admin = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
);

Deno.serve(async (req) => {
  let siteId: string;
  try {
    ({ siteId } = await req.json());
  } catch {
    return Response.json({ error: "Invalid JSON" }, { status: 400 });
  }
  if (!siteId) {
    return Response.json({ error: "siteId is required" }, { status: 400 });
  }

  const { error } = await admin
    .from("cached_pages")
    .delete()
    .eq("site_id", siteId);
  if (error) {
    console.error("purge-cache failed", error.code);
    return Response.json({ error: "Could not purge" }, { status: 500 });
  }
  return Response.json({ purged: true });
});
