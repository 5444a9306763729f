import { createClient } from "jsr:@supabase/supabase-js@2";
import { corsHeaders } from "../_shared/cors.ts";

const RETENTION_DAYS = 30;

const admin = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
  { auth: { persistSession: false, autoRefreshToken: false } },
);

interface PurgeRequest {
  projectId?: string;
  before?: string;
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });
}

// "Clear analytics" button on the project settings page.
Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }
  if (req.method !== "POST") {
    return json({ error: "Method not allowed" }, 405);
  }

  let payload: PurgeRequest;
  try {
    payload = await req.json();
  } catch {
    return json({ error: "Invalid JSON" }, 400);
  }

  const { projectId, before } = payload;
  if (!projectId) {
    return json({ error: "projectId is required" }, 400);
  }
  const cutoff =
    before ?? new Date(Date.now() - RETENTION_DAYS * 86_400_000).toISOString();

  const { error, count } = await admin
    .from("events")
    .delete({ count: "exact" })
    .eq("project_id", projectId)
    .lt("created_at", cutoff);

  if (error) {
    console.error("purge-events failed", error);
    return json({ error: "Could not purge events" }, 500);
  }

  return json({ deleted: count ?? 0 });
});
