// Imports up to 5,000 contacts from the uploaded CSV (parsed in the browser).
// Runs with the caller's JWT: RLS pins owner_id to the caller.
import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { z } from "npm:zod@3.23.8";
import { corsHeaders } from "../_shared/cors.ts";

const CHUNK_SIZE = 500;

const ImportBody = z.object({
  contacts: z
    .array(
      z.object({
        email: z.string().trim().toLowerCase().email().max(254),
        fullName: z.string().trim().max(200).optional(),
        tag: z.string().trim().min(1).max(40).optional(),
      }),
    )
    .min(1)
    .max(5000),
});

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
  if (req.method !== "POST") return json({ error: "Method not allowed" }, 405);

  const authHeader = req.headers.get("Authorization");
  if (!authHeader) return json({ error: "Missing authorization" }, 401);

  const supabase = createClient(
    Deno.env.get("SUPABASE_URL")!,
    Deno.env.get("SUPABASE_ANON_KEY")!,
    { global: { headers: { Authorization: authHeader } }, auth: { persistSession: false } },
  );
  const { data: { user }, error: authError } = await supabase.auth.getUser();
  if (authError || !user) return json({ error: "Unauthorized" }, 401);

  let input: z.infer<typeof ImportBody>;
  try {
    input = ImportBody.parse(await req.json());
  } catch {
    return json({ error: "Expected { contacts: [{ email, fullName?, tag? }] }" }, 400);
  }

  // Resolve all tag names with one query.
  const tagNames = [...new Set(input.contacts.flatMap((c) => (c.tag ? [c.tag] : [])))];
  const tagIds = new Map<string, number>();
  if (tagNames.length > 0) {
    const { data: tags, error: tagsError } = await supabase
      .from("contact_tags")
      .select("id, name")
      .in("name", tagNames);
    if (tagsError) {
      console.error("tag lookup failed", tagsError.code);
      return json({ error: "Could not import contacts" }, 500);
    }
    for (const tag of tags) {
      tagIds.set(tag.name, tag.id);
    }
  }

  const rows = input.contacts.map((c) => ({
    owner_id: user.id,
    email: c.email,
    full_name: c.fullName ?? null,
    tag_id: c.tag ? tagIds.get(c.tag) ?? null : null,
  }));

  // PostgREST request bodies are capped; send the rows in a few large batches.
  let imported = 0;
  for (let i = 0; i < rows.length; i += CHUNK_SIZE) {
    const chunk = rows.slice(i, i + CHUNK_SIZE);
    const { error } = await supabase
      .from("contacts")
      .upsert(chunk, { onConflict: "owner_id,email", ignoreDuplicates: true });
    if (error) {
      console.error("contact import failed", error.code);
      return json({ error: "Could not import contacts", imported }, 500);
    }
    imported += chunk.length;
  }

  return json({ imported });
});
