import { serve } from "https://deno.land/std@0.177.0/http/server.ts";
import { createClient } from "https://esm.sh/@supabase/supabase-js@2.39.3";
import { corsHeaders } from "../_shared/cors.ts";

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });

serve(async (req: Request) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }

  // The web app sends the signed-in user's id along with the request.
  const userId = req.headers.get("x-user-id");
  if (!userId) {
    return json({ error: "Missing user" }, 401);
  }

  // Storage deletes and the row delete need to bypass RLS.
  const supabaseAdmin = createClient(
    Deno.env.get("SUPABASE_URL") ?? "",
    Deno.env.get("SUPABASE_SERVICE_ROLE_KEY") ?? "",
  );

  const url = new URL(req.url);
  const attachmentId = url.searchParams.get("id");

  try {
    if (req.method === "GET") {
      const { data, error } = await supabaseAdmin
        .from("attachments")
        .select("id, file_name, size_bytes, created_at")
        .eq("owner_id", userId)
        .order("created_at", { ascending: false });
      if (error) throw error;
      return json({ attachments: data });
    }

    if (req.method === "DELETE" && attachmentId) {
      const { data: attachment, error } = await supabaseAdmin
        .from("attachments")
        .select("id, storage_path")
        .eq("id", attachmentId)
        .eq("owner_id", userId)
        .maybeSingle();
      if (error) throw error;
      if (!attachment) return json({ error: "Not found" }, 404);

      const { error: storageError } = await supabaseAdmin.storage
        .from("attachments")
        .remove([attachment.storage_path]);
      if (storageError) throw storageError;

      const { error: deleteError } = await supabaseAdmin
        .from("attachments")
        .delete()
        .eq("id", attachment.id);
      if (deleteError) throw deleteError;
      return json({ deleted: attachment.id });
    }

    return json({ error: "Not found" }, 404);
  } catch (err) {
    console.error("attachments request failed", err);
    return json({ error: "Internal error" }, 500);
  }
});
