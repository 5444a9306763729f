// Team overview for the dashboard: members with their profiles and the number
// of open tasks per project. Runs with the caller's JWT, so RLS scopes it.
import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";
import { loadMemberProfiles } from "../_shared/members.ts";

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

  const authHeader = req.headers.get("Authorization");
  if (!authHeader) return json({ error: "Missing authorization" }, 401);

  const supabase = createClient(
    Deno.env.get("SUPABASE_URL")!,
    Deno.env.get("SUPABASE_ANON_KEY")!,
    { global: { headers: { Authorization: authHeader } }, auth: { persistSession: false } },
  );
  const { data: { user }, error: authError } = await supabase.auth.getUser();
  if (authError || !user) return json({ error: "Unauthorized" }, 401);

  let teamId: unknown;
  try {
    ({ teamId } = await req.json());
  } catch {
    return json({ error: "Invalid JSON body" }, 400);
  }
  if (typeof teamId !== "string") return json({ error: "teamId is required" }, 400);

  try {
    const { data: members, error: membersError } = await supabase
      .from("team_members")
      .select("user_id")
      .eq("team_id", teamId);
    if (membersError) throw membersError;

    const profiles = await loadMemberProfiles(supabase, members.map((m) => m.user_id));

    const { data: projects, error: projectsError } = await supabase
      .from("projects")
      .select("id, name")
      .eq("team_id", teamId);
    if (projectsError) throw projectsError;

    const openTasks = await Promise.all(
      projects.map(async (project) => {
        const { count, error } = await supabase
          .from("tasks")
          .select("id", { count: "exact", head: true })
          .eq("project_id", project.id)
          .eq("done", false);
        if (error) throw error;
        return { projectId: project.id, name: project.name, open: count ?? 0 };
      }),
    );

    return json({ members: profiles, projects: openTasks });
  } catch (err) {
    console.error("team-overview failed", err);
    return json({ error: "Could not load the team overview" }, 500);
  }
});
