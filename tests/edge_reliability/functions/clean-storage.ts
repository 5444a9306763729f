import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";

const admin = createClient(Deno.env.get("SUPABASE_URL")!, Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!);

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") return new Response("ok", { headers: corsHeaders });
  const jwt = req.headers.get("Authorization")?.replace(/^Bearer /, "");
  if (!jwt) return Response.json({ error: "Unauthorized" }, { status: 401, headers: corsHeaders });
  const { data: { user }, error } = await admin.auth.getUser(jwt);
  if (error || !user) return Response.json({ error: "Unauthorized" }, { status: 401, headers: corsHeaders });

  const { data: files, error: listError } = await admin.storage.from("exports").list(user.id);
  if (listError) {
    console.error("list failed", listError.message);
    return Response.json({ error: "Could not list exports" }, { status: 500, headers: corsHeaders });
  }
  const urls = await Promise.all(
    files.map(async (f) => {
      const { data } = await admin.storage.from("exports").createSignedUrl(`${user.id}/${f.name}`, 300);
      return data?.signedUrl ?? null;
    }),
  );
  return Response.json({ urls: urls.filter(Boolean) }, { headers: corsHeaders });
});
