/** @jsxImportSource https://esm.sh/react@18.2.0 */
import { ImageResponse } from "https://deno.land/x/og_edge/mod.ts";
import { createClient } from "npm:@supabase/supabase-js@2.45.4";

const supabase = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_ANON_KEY")!,
  { auth: { persistSession: false } },
);

async function avatarDataUrl(url: string | null): Promise<string | null> {
  if (!url) return null;
  const res = await fetch(url);
  if (!res.ok) return null;
  const type = res.headers.get("content-type") ?? "image/png";
  const bytes = new Uint8Array(await res.arrayBuffer());
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return `data:${type};base64,${btoa(binary)}`;
}

Deno.serve(async (req) => {
  const slug = new URL(req.url).searchParams.get("slug");
  if (!slug || slug.length > 200) {
    return new Response("slug is required", { status: 400 });
  }

  const { data: post, error } = await supabase
    .from("posts")
    .select("title, author_name, author_avatar_url")
    .eq("slug", slug)
    .maybeSingle();
  if (error) {
    console.error("post lookup failed", error.code);
    return new Response("Could not render the card", { status: 500 });
  }
  if (!post) {
    return new Response("Not found", { status: 404 });
  }

  const avatar = await avatarDataUrl(post.author_avatar_url);

  return new ImageResponse(
    (
      <div
        style={{
          width: "100%",
          height: "100%",
          display: "flex",
          flexDirection: "column",
          justifyContent: "space-between",
          padding: 64,
          background: "#0f172a",
          color: "white",
        }}
      >
        <h1 style={{ fontSize: 64, lineHeight: 1.1 }}>{post.title}</h1>
        <div style={{ display: "flex", alignItems: "center", gap: 24 }}>
          {avatar ? <img src={avatar} width={72} height={72} style={{ borderRadius: 36 }} /> : null}
          <span style={{ fontSize: 32 }}>{post.author_name}</span>
        </div>
      </div>
    ),
    { width: 1200, height: 630, headers: { "Cache-Control": "public, max-age=86400" } },
  );
});
