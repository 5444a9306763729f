import { createClient } from "npm:@supabase/supabase-js@2.45.4";

const admin = createClient(Deno.env.get("SUPABASE_URL")!, Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!);

Deno.serve(async (req) => {
  let payload: { record?: { id?: string } };
  try {
    payload = await req.json();
  } catch {
    return new Response("bad json", { status: 400 });
  }
  const id = payload.record?.id;
  if (!id) return new Response("missing id", { status: 400 });
  const { error } = await admin.from("thumbnails").insert({ source_id: id, status: "pending" });
  if (error) return new Response("could not queue", { status: 500 });
  return new Response("queued");
});
