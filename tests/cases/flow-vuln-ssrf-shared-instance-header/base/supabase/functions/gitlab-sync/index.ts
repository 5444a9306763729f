import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { GitlabProject, gitlabGet } from "../_shared/gitlab.ts";

const GITLAB_API = "https://gitlab.com/api/v4";

const admin = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
);

// Nightly cron: refresh the default branch of every linked project.
Deno.serve(async (_req) => {
  const { data: links, error } = await admin
    .from("gitlab_links")
    .select("id, gitlab_project_id, access_token")
    .limit(500);
  if (error) {
    console.error("gitlab-sync: loading links failed", error);
    return new Response("failed", { status: 500 });
  }

  for (const link of links ?? []) {
    try {
      const project = await gitlabGet<GitlabProject>(
        GITLAB_API,
        `/projects/${link.gitlab_project_id}`,
        link.access_token,
      );
      await admin
        .from("gitlab_links")
        .update({ default_branch: project.default_branch })
        .eq("id", link.id);
    } catch (err) {
      console.error("gitlab-sync: project refresh failed", link.id, err);
    }
  }
  return new Response("ok");
});
