import { createClient } from "jsr:@supabase/supabase-js@2";
import { corsHeaders } from "../_shared/cors.ts";

const admin = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
  { auth: { persistSession: false, autoRefreshToken: false } },
);

const STAFF_ROLES = ["admin", "moderator"];

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

  const role: string = user.user_metadata?.role ?? "member";
  const isStaff = STAFF_ROLES.includes(role);
  if (!isStaff) {
    return json({ error: "Forbidden" }, 403);
  }

  const { targetUserId, reason } = await req.json().catch(() => ({}));
  if (typeof targetUserId !== "string" || typeof reason !== "string") {
    return json({ error: "targetUserId and reason are required" }, 400);
  }

  // Audit first: a ban without a log entry is worse than no ban.
  const { error: logError } = await admin.from("moderation_log").insert({
    actor_id: user.id,
    target_id: targetUserId,
    action: "ban",
    reason: reason.slice(0, 500),
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
