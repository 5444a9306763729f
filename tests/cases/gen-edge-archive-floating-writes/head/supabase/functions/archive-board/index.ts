import { jsonResponse, preflight } from "../_shared/http.ts";
import { createSupabaseClient } from "../_shared/supabase.ts";

const SLACK_WEBHOOK_URL = Deno.env.get("SLACK_WEBHOOK_URL");

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") return preflight();
  if (req.method !== "POST") return jsonResponse({ error: "Method not allowed" }, 405);

  const supabase = createSupabaseClient(req);
  const { data: { user } } = await supabase.auth.getUser();
  if (!user) return jsonResponse({ error: "Unauthorized" }, 401);

  let boardId: string;
  try {
    const body = await req.json();
    if (typeof body.boardId !== "string") throw new Error("boardId");
    boardId = body.boardId;
  } catch {
    return jsonResponse({ error: "Expected { boardId }" }, 400);
  }

  // RLS only lets board admins update the board row.
  const { data: board, error } = await supabase
    .from("boards")
    .update({ archived_at: new Date().toISOString() })
    .eq("id", boardId)
    .select("id, name, team_id")
    .maybeSingle();
  if (error) {
    console.error("archive failed", error.code);
    return jsonResponse({ error: "Could not archive the board" }, 500);
  }
  if (!board) return jsonResponse({ error: "Board not found" }, 404);

  supabase.from("board_events").insert({
    board_id: board.id,
    actor_id: user.id,
    kind: "archived",
  });

  supabase.functions.invoke("notify-team", {
    body: { teamId: board.team_id, message: `Board "${board.name}" was archived` },
  });

  if (SLACK_WEBHOOK_URL) {
    EdgeRuntime.waitUntil(
      fetch(SLACK_WEBHOOK_URL, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ text: `Board ${board.name} archived by ${user.id}` }),
        signal: AbortSignal.timeout(3_000),
      }).catch((err) => console.error("slack notification failed", err)),
    );
  }

  return jsonResponse({ archived: board.id });
});
