import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";

const OPENAI_KEY = Deno.env.get("OPENAI_API_KEY")!;

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response(null, { status: 204, headers: corsHeaders });
  }
  try {
    const authHeader = req.headers.get("Authorization");
    if (!authHeader) {
      return Response.json({ error: "Unauthorized" }, { status: 401, headers: corsHeaders });
    }
    const supabase = createClient(Deno.env.get("SUPABASE_URL")!, Deno.env.get("SUPABASE_ANON_KEY")!, {
      global: { headers: { Authorization: authHeader } },
    });
    const { data: { user } } = await supabase.auth.getUser();
    if (!user) return Response.json({ error: "Unauthorized" }, { status: 401, headers: corsHeaders });

    const { prompt } = await req.json();
    if (typeof prompt !== "string" || prompt.length === 0 || prompt.length > 2000) {
      return Response.json({ error: "prompt must be 1-2000 characters" }, { status: 400, headers: corsHeaders });
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 20_000);
    const upstream = await fetch("https://api.openai.com/v1/chat/completions", {
      method: "POST",
      headers: { Authorization: `Bearer ${OPENAI_KEY}`, "Content-Type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: prompt }] }),
      signal: controller.signal,
    });
    clearTimeout(timer);
    if (!upstream.ok) {
      console.error("model call failed", upstream.status);
      return Response.json({ error: "Model unavailable" }, { status: 502, headers: corsHeaders });
    }
    const completion = await upstream.json();
    const { error: usageError } = await supabase.from("ai_usage").insert({ user_id: user.id, tokens: completion.usage?.total_tokens ?? 0 });
    if (usageError) {
      console.error("usage insert failed", usageError.code);
      return Response.json({ error: "Could not record usage" }, { status: 500, headers: corsHeaders });
    }
    return Response.json({ answer: completion.choices?.[0]?.message?.content ?? "" }, { headers: corsHeaders });
  } catch (error) {
    console.error("ai proxy failed", error);
    return Response.json({ error: "Internal error" }, { status: 500, headers: corsHeaders });
  }
});
