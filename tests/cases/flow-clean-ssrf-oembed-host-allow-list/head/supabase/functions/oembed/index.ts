import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";

// Providers we embed, by the host of the page the user pastes.
const OEMBED_ENDPOINTS: Record<string, string> = {
  "www.youtube.com": "https://www.youtube.com/oembed",
  "youtube.com": "https://www.youtube.com/oembed",
  "vimeo.com": "https://vimeo.com/api/oembed.json",
  "soundcloud.com": "https://soundcloud.com/oembed",
};
const ALLOWED_HOSTS = new Set(Object.keys(OEMBED_ENDPOINTS));

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

  const supabase = createClient(
    Deno.env.get("SUPABASE_URL")!,
    Deno.env.get("SUPABASE_ANON_KEY")!,
    { global: { headers: { Authorization: req.headers.get("Authorization") ?? "" } } },
  );
  const { data: { user }, error: authError } = await supabase.auth.getUser();
  if (authError || !user) {
    return json({ error: "Unauthorized" }, 401);
  }

  const { url } = await req.json().catch(() => ({ url: undefined }));
  let target: URL;
  try {
    target = new URL(String(url));
  } catch {
    return json({ error: "Not a URL" }, 400);
  }
  if (target.protocol !== "https:" || !ALLOWED_HOSTS.has(target.hostname)) {
    return json({ error: "This site cannot be embedded" }, 400);
  }

  const endpoint = OEMBED_ENDPOINTS[target.hostname];
  const oembedUrl = `${endpoint}?format=json&url=${encodeURIComponent(target.href)}`;
  try {
    const res = await fetch(oembedUrl, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) {
      return json({ error: "The provider could not embed this page" }, 502);
    }
    const embed = await res.json();
    return json({
      title: embed.title ?? null,
      html: embed.html ?? null,
      thumbnail: embed.thumbnail_url ?? null,
    });
  } catch (err) {
    console.error("oembed fetch failed", err);
    return json({ error: "The provider did not answer" }, 502);
  }
});
