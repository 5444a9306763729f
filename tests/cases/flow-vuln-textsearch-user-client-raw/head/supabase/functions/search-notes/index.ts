import { createClient } from "jsr:@supabase/supabase-js@2";
import { corsHeaders } from "../_shared/cors.ts";

interface SearchRequest {
  query: string;
  language?: "en" | "fr";
}

// "meeting notes" -> "meeting & notes": every word must match.
function toTsQuery(input: string): string {
  return input.trim().split(/\s+/).join(" & ");
}

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }

  const supabase = createClient(
    Deno.env.get("SUPABASE_URL")!,
    Deno.env.get("SUPABASE_ANON_KEY")!,
    {
      global: {
        headers: { Authorization: req.headers.get("Authorization") ?? "" },
      },
    },
  );

  let body: SearchRequest;
  try {
    body = await req.json();
  } catch {
    return new Response(JSON.stringify({ error: "Invalid JSON body" }), {
      status: 400,
      headers: { ...corsHeaders, "Content-Type": "application/json" },
    });
  }

  const { query, language } = body;
  if (typeof query !== "string" || query.length === 0) {
    return new Response(JSON.stringify({ error: "query is required" }), {
      status: 400,
      headers: { ...corsHeaders, "Content-Type": "application/json" },
    });
  }

  const tsQuery = toTsQuery(query);
  const { data, error } = await supabase
    .from("notes")
    .select("id, title, snippet:body, updated_at")
    .textSearch("fts", tsQuery, {
      config: language === "fr" ? "french" : "english",
    })
    .limit(20);

  if (error) {
    console.error("search-notes failed", error);
    return new Response(JSON.stringify({ error: "Search failed" }), {
      status: 500,
      headers: { ...corsHeaders, "Content-Type": "application/json" },
    });
  }

  return new Response(JSON.stringify({ notes: data }), {
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });
});
