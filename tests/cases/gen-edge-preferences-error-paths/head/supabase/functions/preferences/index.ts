import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";

type Preferences = { theme?: string; email_digest?: boolean; timezone?: string };

const THEMES = ["light", "dark", "system"];

function parsePreferences(input: unknown): Preferences | null {
  if (typeof input !== "object" || input === null) return null;
  const { theme, email_digest, timezone } = input as Record<string, unknown>;
  if (theme !== undefined && (typeof theme !== "string" || !THEMES.includes(theme))) return null;
  if (email_digest !== undefined && typeof email_digest !== "boolean") return null;
  if (timezone !== undefined && (typeof timezone !== "string" || timezone.length > 64)) return null;
  return { theme, email_digest, timezone } as Preferences;
}

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response(null, { status: 204, headers: corsHeaders });
  }

  try {
    const supabase = createClient(
      Deno.env.get("SUPABASE_URL")!,
      Deno.env.get("SUPABASE_ANON_KEY")!,
      { global: { headers: { Authorization: req.headers.get("Authorization") ?? "" } } },
    );
    const { data: { user } } = await supabase.auth.getUser();
    if (!user) {
      return Response.json({ error: "Unauthorized" }, { status: 401, headers: corsHeaders });
    }

    if (req.method === "GET") {
      const { data, error } = await supabase
        .from("user_preferences")
        .select("theme, email_digest, timezone")
        .eq("user_id", user.id)
        .maybeSingle();
      if (error) throw error;
      return Response.json(data ?? { theme: "system", email_digest: true, timezone: "UTC" }, {
        headers: corsHeaders,
      });
    }

    if (req.method === "PUT") {
      const prefs = parsePreferences(await req.json());
      if (!prefs) {
        return Response.json({ error: "Invalid preferences" }, { status: 400, headers: corsHeaders });
      }

      const { error } = await supabase
        .from("user_preferences")
        .upsert({ user_id: user.id, ...prefs, updated_at: new Date().toISOString() });

      return Response.json({ saved: true, error }, { headers: corsHeaders });
    }

    return Response.json({ error: "Method not allowed" }, { status: 405, headers: corsHeaders });
  } catch (err) {
    console.error("preferences failed", err);
    return new Response(JSON.stringify({ error: "Something went wrong" }), {
      status: 500,
      headers: { "Content-Type": "application/json" },
    });
  }
});
