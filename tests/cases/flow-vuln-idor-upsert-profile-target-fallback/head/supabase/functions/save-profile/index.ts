import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";

const supabaseAdmin = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
);

interface ProfilePatch {
  userId?: string;
  displayName?: string;
  bio?: string;
  website?: string;
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });
}

function cleanText(value: string | undefined, max: number): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed.slice(0, max) : null;
}

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }

  const token = req.headers.get("Authorization")?.replace("Bearer ", "") ?? "";
  const { data: { user }, error: authError } = await supabaseAdmin.auth.getUser(token);
  if (authError || !user) {
    return json({ error: "Unauthorized" }, 401);
  }

  let patch: ProfilePatch;
  try {
    patch = await req.json();
  } catch {
    return json({ error: "Invalid JSON" }, 400);
  }

  // Support staff edit other people's profiles from the back office, which
  // sends userId; the app itself never does.
  const { userId, ...fields } = patch;
  const targetId = userId ?? user.id;

  const row = {
    id: targetId,
    display_name: cleanText(fields.displayName, 80),
    bio: cleanText(fields.bio, 500),
    website: cleanText(fields.website, 200),
    updated_at: new Date().toISOString(),
  };

  const { data, error } = await supabaseAdmin
    .from("profiles")
    .upsert(row, { onConflict: "id" })
    .select("id, display_name, bio, website")
    .single();

  if (error) {
    console.error("save-profile upsert failed", error);
    return json({ error: "Could not save the profile" }, 500);
  }

  return json({ profile: data });
});
