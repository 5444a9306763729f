import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";

interface Preview {
  url: string;
  title: string | null;
  description: string | null;
  image: string | null;
}

function normaliseUrl(input: string): string {
  const trimmed = input.trim();
  return /^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
}

function metaContent(html: string, property: string): string | null {
  const re = new RegExp(
    `<meta[^>]+(?:property|name)=["']${property}["'][^>]+content=["']([^"']*)["']`,
    "i",
  );
  return html.match(re)?.[1] ?? null;
}

function reply(body: unknown, status = 200): Response {
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
    { global: { headers: { Authorization: req.headers.get("Authorization")! } } },
  );
  const { data: { user }, error: authError } = await supabase.auth.getUser();
  if (authError || !user) {
    return reply({ error: "Unauthorized" }, 401);
  }

  const { url } = await req.json().catch(() => ({ url: null }));
  if (typeof url !== "string" || url.length > 2048) {
    return reply({ error: "url must be a string" }, 400);
  }

  const target = normaliseUrl(url);
  let page: Response;
  try {
    page = await fetch(target, {
      redirect: "follow",
      headers: { "User-Agent": "AcmeLinkPreview/1.0" },
      signal: AbortSignal.timeout(5000),
    });
  } catch (err) {
    console.error("link-preview fetch failed", err);
    return reply({ error: "Could not load the page" }, 502);
  }
  if (!page.ok) {
    return reply({ error: "Could not load the page" }, 502);
  }

  const html = (await page.text()).slice(0, 200_000);
  const preview: Preview = {
    url: page.url,
    title: metaContent(html, "og:title") ?? html.match(/<title>([^<]*)<\/title>/i)?.[1] ?? null,
    description: metaContent(html, "og:description"),
    image: metaContent(html, "og:image"),
  };
  return reply(preview);
});
