import { createClient } from "jsr:@supabase/supabase-js@2";
import { timingSafeEqual } from "jsr:@std/crypto@1.0.3/timing-safe-equal";
import { decodeHex } from "jsr:@std/encoding@1.0.5/hex";

const encoder = new TextEncoder();
const secret = Deno.env.get("GITHUB_WEBHOOK_SECRET")!;

const admin = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
);

interface DeploymentStatusEvent {
  deployment_status: { state: string; environment: string; target_url: string | null };
  deployment: { id: number; sha: string; ref: string };
  repository: { full_name: string };
}

async function hmacSha256(key: string, payload: string): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey(
    "raw",
    encoder.encode(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(payload));
  return new Uint8Array(mac);
}

async function hasValidSignature(payload: string, header: string | null): Promise<boolean> {
  if (!header?.startsWith("sha256=")) return false;
  const expected = await hmacSha256(secret, payload);
  let received: Uint8Array;
  try {
    received = decodeHex(header.slice("sha256=".length));
  } catch {
    return false;
  }
  return received.length === expected.length && timingSafeEqual(received, expected);
}

Deno.serve(async (req) => {
  if (req.method !== "POST") {
    return new Response("Method not allowed", { status: 405 });
  }

  const raw = await req.text();
  if (!(await hasValidSignature(raw, req.headers.get("x-hub-signature-256")))) {
    return new Response("Invalid signature", { status: 401 });
  }

  if (req.headers.get("x-github-event") !== "deployment_status") {
    return new Response("ignored", { status: 202 });
  }

  let event: DeploymentStatusEvent;
  try {
    event = JSON.parse(raw) as DeploymentStatusEvent;
  } catch {
    return new Response("Invalid payload", { status: 400 });
  }

  const { deployment, deployment_status: status, repository } = event;
  const { error } = await admin.from("deployments").upsert(
    {
      github_deployment_id: deployment.id,
      repository: repository.full_name,
      sha: deployment.sha,
      ref: deployment.ref,
      environment: status.environment,
      state: status.state,
      url: status.target_url,
      updated_at: new Date().toISOString(),
    },
    { onConflict: "github_deployment_id" },
  );
  if (error) {
    console.error("github-deployments: upsert failed", error);
    return new Response("Database error", { status: 500 });
  }

  return new Response("ok", { status: 200 });
});
