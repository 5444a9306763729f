import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";

async function translate(text: string, target: string): Promise<string> {
  const res = await fetch("https://api.deepl.com/v2/translate", {
    method: "POST",
    headers: { Authorization: `DeepL-Auth-Key ${Deno.env.get("DEEPL_KEY")}` },
    body: new URLSearchParams({ text, target_lang: target }),
  });
  const json = await res.json();
  return json.translations[0].text;
}

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") return new Response("ok", { headers: corsHeaders });
  try {
    const supabase = createClient(Deno.env.get("SUPABASE_URL")!, Deno.env.get("SUPABASE_ANON_KEY")!, {
      global: { headers: { Authorization: req.headers.get("Authorization")! } },
    });
    const { data: { user } } = await supabase.auth.getUser();
    if (!user) return Response.json({ error: "Unauthorized" }, { status: 401, headers: corsHeaders });
    const { text, target } = await req.json();
    if (typeof text !== "string" || text.length > 5000 || !["DE", "FR"].includes(target)) {
      return Response.json({ error: "Invalid input" }, { status: 400, headers: corsHeaders });
    }
    const translated = await translate(text, target);
    supabase.from("translations").insert({ user_id: user.id, source: text, result: translated, target });
    return Response.json({ translated }, { headers: corsHeaders });
  } catch {
    return Response.json({ error: "Translation failed" }, { status: 502, headers: corsHeaders });
  }
});
