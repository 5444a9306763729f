import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";
import { GitlabError, GitlabProject, gitlabGet } from "../_shared/gitlab.ts";

const DEFAULT_INSTANCE = "https://gitlab.com";

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });
}

// Lists the projects the user can import. Self-managed GitLab customers send
// their instance URL in a header; everyone else gets gitlab.com.
Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }

  const supabase = createClient(
    Deno.env.get("SUPABASE_URL")!,
    Deno.env.get("SUPABASE_ANON_KEY")!,
    { global: { headers: { Authorization: req.headers.get("Authorization")! } } },
  );
  const { data: { user }, error: authError } = await supabase.auth.getUser();
  if (authError || !user) {
    return jsonResponse({ error: "Unauthorized" }, 401);
  }

  const { token } = await req.json().catch(() => ({ token: null }));
  if (typeof token !== "string" || token.length === 0) {
    return jsonResponse({ error: "A GitLab access token is required" }, 400);
  }

  const instance = req.headers.get("x-gitlab-instance") ?? DEFAULT_INSTANCE;
  const apiBase = `${instance.replace(/\/+$/, "")}/api/v4`;

  try {
    const projects = await gitlabGet<GitlabProject[]>(
      apiBase,
      "/projects?membership=true&per_page=100",
      token,
    );
    return jsonResponse({
      projects: projects.map((p) => ({ id: p.id, name: p.path_with_namespace })),
    });
  } catch (err) {
    if (err instanceof GitlabError && err.status === 401) {
      return jsonResponse({ error: "GitLab rejected the token" }, 400);
    }
    console.error("gitlab-import: listing projects failed", err);
    return jsonResponse({ error: "Could not reach GitLab" }, 502);
  }
});
