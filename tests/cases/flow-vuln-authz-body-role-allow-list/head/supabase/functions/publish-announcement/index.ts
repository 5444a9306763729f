import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";

const supabaseAdmin = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
);

const PUBLISHER_ROLES = new Set(["owner", "admin", "editor"]);

interface AnnouncementRequest {
  workspaceId: string;
  role: string;
  announcement: { title: string; body: string; pinned?: boolean };
}

function reply(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });
}

async function readBody(req: Request): Promise<AnnouncementRequest | null> {
  try {
    return (await req.json()) as AnnouncementRequest;
  } catch {
    return null;
  }
}

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }

  const jwt = req.headers.get("Authorization")?.replace("Bearer ", "") ?? "";
  const { data: { user }, error: authError } = await supabaseAdmin.auth.getUser(jwt);
  if (authError || !user) {
    return reply({ error: "Unauthorized" }, 401);
  }

  const payload = await readBody(req);
  if (!payload?.announcement?.title) {
    return reply({ error: "announcement.title is required" }, 400);
  }

  // The web app already knows the member's role in the workspace and sends it.
  const { workspaceId, role, announcement } = payload;
  const canPublish = PUBLISHER_ROLES.has(role);
  if (!canPublish) {
    return reply({ error: "Only editors can publish announcements" }, 403);
  }

  const { data, error } = await supabaseAdmin
    .from("announcements")
    .insert({
      workspace_id: workspaceId,
      author_id: user.id,
      title: announcement.title.slice(0, 120),
      body: announcement.body.slice(0, 5000),
      pinned: announcement.pinned === true,
    })
    .select("id, created_at")
    .single();

  if (error) {
    console.error("publish-announcement insert failed", error);
    return reply({ error: "Could not publish" }, 500);
  }

  return reply({ announcement: data }, 201);
});
