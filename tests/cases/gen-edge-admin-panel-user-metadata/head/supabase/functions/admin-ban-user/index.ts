import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { jsonResponse, preflight } from "../_shared/http.ts";
import { createSupabaseClient } from "../_shared/supabase.ts";

const supabaseAdmin = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
  { auth: { persistSession: false, autoRefreshToken: false } },
);

const BAN_DURATIONS = new Set(["24h", "168h", "876000h"]);

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") return preflight();

  const supabase = createSupabaseClient(req);
  const { data: { user }, error: authError } = await supabase.auth.getUser();
  if (authError || !user) return jsonResponse({ error: "Unauthorized" }, 401);

  const isModerator = user.user_metadata?.role === "moderator" || user.user_metadata?.role === "admin";
  if (!isModerator) {
    return jsonResponse({ error: "Moderators only" }, 403);
  }

  let body: { userId?: unknown; duration?: unknown };
  try {
    body = await req.json();
  } catch {
    return jsonResponse({ error: "Body must be JSON" }, 400);
  }
  if (typeof body.userId !== "string" || typeof body.duration !== "string" || !BAN_DURATIONS.has(body.duration)) {
    return jsonResponse({ error: "Expected { userId, duration }" }, 400);
  }
  if (body.userId === user.id) {
    return jsonResponse({ error: "You cannot ban yourself" }, 400);
  }

  const { error: banError } = await supabaseAdmin.auth.admin.updateUserById(body.userId, {
    ban_duration: body.duration,
  });
  if (banError) {
    console.error("ban failed", banError.status);
    return jsonResponse({ error: "Could not ban the user" }, 500);
  }

  const { error: logError } = await supabaseAdmin.from("moderation_log").insert({
    moderator_id: user.id,
    target_user_id: body.userId,
    action: "ban",
    duration: body.duration,
  });
  if (logError) {
    console.error("moderation log insert failed", logError.code);
  }

  return jsonResponse({ banned: body.userId, duration: body.duration });
});
