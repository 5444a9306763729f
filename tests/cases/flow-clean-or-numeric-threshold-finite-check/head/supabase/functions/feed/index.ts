import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });
}

function readLimit(raw: string | null): number | null {
  if (raw === null) return DEFAULT_LIMIT;
  const n = parseInt(raw, 10);
  return Number.isFinite(n) && n >= 1 && n <= MAX_LIMIT ? n : null;
}

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }

  const supabase = createClient(
    Deno.env.get("SUPABASE_URL")!,
    Deno.env.get("SUPABASE_ANON_KEY")!,
    { global: { headers: { Authorization: req.headers.get("Authorization") ?? "" } } },
  );

  const params = new URL(req.url).searchParams;
  const minScore = Number(params.get("min_score") ?? "0");
  if (!Number.isFinite(minScore)) {
    return json({ error: "min_score must be a number" }, 400);
  }
  const limit = readLimit(params.get("limit"));
  if (limit === null) {
    return json({ error: `limit must be between 1 and ${MAX_LIMIT}` }, 400);
  }

  // Pinned posts always show; the rest only above the reader's threshold.
  const { data: posts, error } = await supabase
    .from("posts")
    .select("id, title, score, pinned, author:profiles(username, avatar_url)")
    .or(`pinned.eq.true,score.gte.${minScore}`)
    .order("pinned", { ascending: false })
    .order("created_at", { ascending: false })
    .limit(limit);

  if (error) {
    console.error("feed query failed", error);
    return json({ error: "Could not load the feed" }, 500);
  }
  return json({ posts });
});
