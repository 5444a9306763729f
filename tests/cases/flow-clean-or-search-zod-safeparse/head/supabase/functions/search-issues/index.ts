import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { z } from "npm:zod@3.23.8";
import { corsHeaders } from "../_shared/cors.ts";

// Letters, digits, spaces, dash and underscore only: nothing that means
// something inside a PostgREST logic tree (commas, dots, parentheses, quotes).
const SearchParams = z.object({
  q: z.string().trim().min(2).max(80).regex(/^[\p{L}\p{N} _-]+$/u),
  label: z.enum(["bug", "feature", "question", "docs"]).optional(),
  page: z.coerce.number().int().min(0).max(50).default(0),
});

const PAGE_SIZE = 20;

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
  if (!authHeader) {
    return json({ error: "Unauthorized" }, 401);
  }
  const supabase = createClient(
    Deno.env.get("SUPABASE_URL")!,
    Deno.env.get("SUPABASE_ANON_KEY")!,
    { global: { headers: { Authorization: authHeader } } },
  );

  const parsed = SearchParams.safeParse(
    Object.fromEntries(new URL(req.url).searchParams),
  );
  if (!parsed.success) {
    return json({ error: "Invalid search", issues: parsed.error.flatten().fieldErrors }, 400);
  }
  const { q, label, page } = parsed.data;

  let query = supabase
    .from("issues")
    .select("id, number, title, state, label, updated_at")
    .or(`title.ilike.%${q}%,body.ilike.%${q}%`)
    .order("updated_at", { ascending: false })
    .range(page * PAGE_SIZE, page * PAGE_SIZE + PAGE_SIZE - 1);
  if (label) {
    query = query.eq("label", label);
  }

  const { data, error } = await query;
  if (error) {
    console.error("search-issues failed", error);
    return json({ error: "Search failed" }, 500);
  }
  return json({ issues: data });
});
