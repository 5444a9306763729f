import { createClient } from "npm:@supabase/supabase-js@2.45.4";

const admin = createClient(Deno.env.get("SUPABASE_URL")!, Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!);
const encoder = new TextEncoder();

async function validSignature(body: string, signature: string | null): Promise<boolean> {
  if (!signature?.startsWith("sha256=")) return false;
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(Deno.env.get("GITHUB_WEBHOOK_SECRET")!),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  const expected = new Uint8Array(signature.slice(7).match(/.{2}/g)!.map((h) => parseInt(h, 16)));
  return crypto.subtle.verify("HMAC", key, expected, encoder.encode(body));
}

Deno.serve(async (req) => {
  const body = await req.text();
  if (!(await validSignature(body, req.headers.get("X-Hub-Signature-256")))) {
    return new Response("invalid signature", { status: 401 });
  }
  const event = JSON.parse(body);
  const { error } = await admin.from("repo_events").insert({
    delivery_id: req.headers.get("X-GitHub-Delivery"),
    kind: req.headers.get("X-GitHub-Event"),
    repository: event.repository?.full_name ?? null,
  });
  if (error && error.code !== "23505") {
    console.error("event insert failed", error.code);
    return new Response("retry", { status: 500 });
  }
  return new Response("ok");
});
