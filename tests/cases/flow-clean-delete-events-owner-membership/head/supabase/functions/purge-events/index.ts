import { createClient } from "jsr:@supabase/supabase-js@2";
import * as v from "npm:valibot@0.42.1";
import { corsHeaders } from "../_shared/cors.ts";

const RETENTION_DAYS = 30;

const PurgeRequest = v.object({
  projectId: v.pipe(v.string(), v.uuid()),
  olderThanDays: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(365)),
    RETENTION_DAYS,
  ),
});

const admin = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
  { auth: { persistSession: false, autoRefreshToken: false } },
);

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });
}

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }
  if (req.method !== "POST") {
    return json({ error: "Method not allowed" }, 405);
  }

  const jwt = req.headers.get("Authorization")?.replace("Bearer ", "") ?? "";
  const { data: { user }, error: authError } = await admin.auth.getUser(jwt);
  if (authError || !user) {
    return json({ error: "Unauthorized" }, 401);
  }

  let input: v.InferOutput<typeof PurgeRequest>;
  try {
    input = v.parse(PurgeRequest, await req.json());
  } catch {
    return json({ error: "Expected { projectId: uuid, olderThanDays?: 1-365 }" }, 400);
  }
  const { projectId, olderThanDays } = input;

  // Only the project's owners may purge its analytics.
  const { data: membership, error: memberError } = await admin
    .from("project_members")
    .select("role")
    .eq("project_id", projectId)
    .eq("user_id", user.id)
    .maybeSingle();
  if (memberError) {
    console.error("purge-events: membership lookup failed", memberError);
    return json({ error: "Could not check access" }, 500);
  }
  if (!membership || membership.role !== "owner") {
    return json({ error: "Only project owners can purge events" }, 403);
  }

  const cutoff = new Date(Date.now() - olderThanDays * 86_400_000).toISOString();
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
