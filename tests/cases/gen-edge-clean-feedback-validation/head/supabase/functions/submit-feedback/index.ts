import "jsr:@supabase/functions-js/edge-runtime.d.ts";
import { z } from "npm:zod@3.23.8";
import { jsonResponse, preflight } from "../_shared/http.ts";
import { createSupabaseClient } from "../_shared/supabase.ts";

const LINEAR_API_KEY = Deno.env.get("LINEAR_API_KEY");
const LINEAR_TEAM_ID = Deno.env.get("LINEAR_TEAM_ID");

const Feedback = z.object({
  category: z.enum(["bug", "idea", "question"]),
  message: z.string().trim().min(10).max(5_000),
  pageUrl: z.string().url().max(2_000).optional(),
});

async function createLinearIssue(title: string, description: string): Promise<void> {
  const res = await fetch("https://api.linear.app/graphql", {
    method: "POST",
    headers: { Authorization: LINEAR_API_KEY!, "Content-Type": "application/json" },
    body: JSON.stringify({
      query: "mutation($input: IssueCreateInput!) { issueCreate(input: $input) { success } }",
      variables: { input: { teamId: LINEAR_TEAM_ID, title, description } },
    }),
    signal: AbortSignal.timeout(5_000),
  });
  if (!res.ok) throw new Error(`linear answered ${res.status}`);
}

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") return preflight();
  if (req.method !== "POST") return jsonResponse({ error: "Method not allowed" }, 405);

  const supabase = createSupabaseClient(req);
  const { data: { user }, error: authError } = await supabase.auth.getUser();
  if (authError || !user) return jsonResponse({ error: "Unauthorized" }, 401);

  let raw: unknown;
  try {
    raw = await req.json();
  } catch {
    return jsonResponse({ error: "Body must be JSON" }, 400);
  }
  const parsed = Feedback.safeParse(raw);
  if (!parsed.success) {
    // Field-level validation messages are meant for the form.
    return jsonResponse({ error: "Invalid feedback", fields: parsed.error.flatten().fieldErrors }, 400);
  }
  const feedback = parsed.data;

  try {
    const { data: row, error } = await supabase
      .from("feedback")
      .insert({
        user_id: user.id,
        category: feedback.category,
        message: feedback.message,
        page_url: feedback.pageUrl ?? null,
      })
      .select("id")
      .single();
    if (error) throw error;

    if (LINEAR_API_KEY && feedback.category === "bug") {
      EdgeRuntime.waitUntil(
        createLinearIssue(`Feedback ${row.id}`, feedback.message).catch((err) =>
          console.error("linear issue failed", row.id, (err as Error).message)
        ),
      );
    }

    return jsonResponse({ id: row.id }, 201);
  } catch (err) {
    console.error("feedback insert failed", (err as { code?: string }).code ?? "unknown");
    return jsonResponse({ error: "Could not save your feedback" }, 500);
  }
});
