import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";

const SLUG_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

// Public blog: published posts are readable by anon under RLS, so the anon
// client without any user session is all this needs.
const supabase = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_ANON_KEY")!,
  { auth: { persistSession: false } },
);

function json(body: unknown, status = 200, maxAge = 0): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      ...corsHeaders,
      "Content-Type": "application/json",
      "Cache-Control": maxAge > 0 ? `public, max-age=${maxAge}` : "no-store",
    },
  });
}

// Resolves a post by its current slug or by one it had before a rename.
Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }

  const slug = (new URL(req.url).searchParams.get("slug") ?? "").toLowerCase();
  if (slug.length > 120 || !SLUG_RE.test(slug)) {
    return json({ error: "Invalid slug" }, 400);
  }

  const { data: post, error } = await supabase
    .from("posts")
    .select("id, slug, title")
    .or(`slug.eq.${slug},previous_slugs.cs.{${slug}}`)
    .eq("status", "published")
    .limit(1)
    .maybeSingle();

  if (error) {
    console.error("resolve-post failed", error);
    return json({ error: "Lookup failed" }, 500);
  }
  if (!post) {
    return json({ error: "Not found" }, 404);
  }
  return json({ post, redirect: post.slug !== slug }, 200, 300);
});
