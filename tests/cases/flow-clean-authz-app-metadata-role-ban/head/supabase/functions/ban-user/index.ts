import { createClient } from "jsr:@supabase/supabase-js@2";
import { z } from "npm:zod@3.23.8";
import { corsHeaders } from "../_shared/cors.ts";

const admin = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
  { auth: { persistSession: false, autoRefreshToken: false } },
);

const STAFF_ROLES = new Set(["admin", "moderator"]);

const BanRequest = z.object({
  targetUserId: z.string().uuid(),
  reason: z.string().trim().min(3).max(500),
});

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

  const jwt = req.headers.get("Authorization")?.replace("Bearer ", "") ?? "";
  const { data: { user }, error: authError } = await admin.auth.getUser(jwt);
  if (authError || !user) {
    return json({ error: "Unauthorized" }, 401);
  }

  // app_metadata is only writable with the service role (set by our admin
  // tooling), unlike user_metadata which every user can edit.
  const role = typeof user.app_metadata?.role === "string" ? user.app_metadata.role : "";
  if (!STAFF_ROLES.has(role)) {
    return json({ error: "Forbidden" }, 403);
  }

  const parsed = BanRequest.safeParse(await req.json().catch(() => null));
  if (!parsed.success) {
    return json({ error: "Expected { targetUserId: uuid, reason: string }" }, 400);
  }
  const { targetUserId, reason } = parsed.data;
  if (targetUserId === user.id) {
    return json({ error: "You cannot ban yourself" }, 400);
  }

  // Audit first: a ban without a log entry is worse than no ban.
  const { error: logError } = await admin.from("moderation_log").insert({
    actor_id: user.id,
    target_id: targetUserId,
    action: "ban",
    reason,
  });
  if (logError) {
    console.error("ban-user: moderation_log insert failed", logError);
    return json({ error: "Could not record the ban" }, 500);
  }

  const { error: banError } = await admin.auth.admin.updateUserById(targetUserId, {
    ban_duration: "876000h",
  });
  if (banError) {
    console.error("ban-user: updateUserById failed", banError);
    return json({ error: "Could not ban the user" }, 500);
  }

  return json({ banned: targetUserId });
});
