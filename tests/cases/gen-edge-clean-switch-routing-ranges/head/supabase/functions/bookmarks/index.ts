import { createClient } from "npm:@supabase/supabase-js@2";
import { corsHeaders } from "../_shared/cors.ts";

const TITLE_TIMEOUT_MS = 3_000;

function respond(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });
}

async function pageTitle(url: string, outer: AbortSignal): Promise<string | null> {
  try {
    const res = await fetch(url, {
      redirect: "follow",
      signal: AbortSignal.any([outer, AbortSignal.timeout(TITLE_TIMEOUT_MS)]),
    });
    if (!res.ok || !res.headers.get("content-type")?.includes("text/html")) return null;
    const html = (await res.text()).slice(0, 200_000);
    return html.match(/<title[^>]*>([^<]{1,300})<\/title>/i)?.[1]?.trim() ?? null;
  } catch {
    return null;
  }
}

Deno.serve(async (req) => {
  const supabase = createClient(
    Deno.env.get("SUPABASE_URL")!,
    Deno.env.get("SUPABASE_ANON_KEY")!,
    { global: { headers: { Authorization: req.headers.get("Authorization") ?? "" } } },
  );

  switch (req.method) {
    case "OPTIONS":
      return new Response(null, { status: 204, headers: corsHeaders });

    case "GET": {
      const { data, error } = await supabase
        .from("bookmarks")
        .select("id, url, title, created_at")
        .order("created_at", { ascending: false })
        .limit(200);
      if (error) {
        console.error("bookmark list failed", error.code);
        return respond({ error: "Could not load bookmarks" }, 500);
      }
      return respond({ bookmarks: data });
    }

    case "POST": {
      const { data: { user } } = await supabase.auth.getUser();
      if (!user) return respond({ error: "Unauthorized" }, 401);

      let url: URL;
      try {
        const body = await req.json();
        url = new URL(String(body.url));
        if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("protocol");
      } catch {
        return respond({ error: "Expected { url } with an http(s) URL" }, 400);
      }

      const title = await pageTitle(url.toString(), req.signal);
      const { data, error } = await supabase
        .from("bookmarks")
        .insert({ owner_id: user.id, url: url.toString(), title })
        .select("id")
        .single();
      if (error) {
        console.error("bookmark insert failed", error.code);
        return respond({ error: "Could not save the bookmark" }, 500);
      }
      return respond({ id: data.id, title }, 201);
    }

    case "DELETE": {
      const id = new URL(req.url).searchParams.get("id");
      if (!id) return respond({ error: "id is required" }, 400);
      const { error, count } = await supabase
        .from("bookmarks")
        .delete({ count: "exact" })
        .eq("id", id);
      if (error) {
        console.error("bookmark delete failed", error.code);
        return respond({ error: "Could not delete the bookmark" }, 500);
      }
      return count ? respond({ deleted: id }) : respond({ error: "Not found" }, 404);
    }

    default:
      return respond({ error: "Method not allowed" }, 405);
  }
});
