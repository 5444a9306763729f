// Weekly digest: invoked every Monday by pg_cron (net.http_post with the
// x-cron-secret header). Never called from a browser.
import { createClient } from "npm:@supabase/supabase-js@2.45.4";

const CRON_SECRET = Deno.env.get("CRON_SECRET")!;
const POSTMARK_TOKEN = Deno.env.get("POSTMARK_SERVER_TOKEN")!;
const BATCH_SIZE = 50;

const admin = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
  { auth: { persistSession: false } },
);

type DigestRow = { email: string; display_name: string; open_tasks: number; due_this_week: number };

async function secretMatches(given: string | null): Promise<boolean> {
  if (!given) return false;
  const enc = new TextEncoder();
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", enc.encode(given)),
    crypto.subtle.digest("SHA-256", enc.encode(CRON_SECRET)),
  ]);
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

function sendDigest(row: DigestRow): Promise<Response> {
  return fetch("https://api.postmarkapp.com/email/withTemplate", {
    method: "POST",
    headers: {
      Accept: "application/json",
      "Content-Type": "application/json",
      "X-Postmark-Server-Token": POSTMARK_TOKEN,
    },
    body: JSON.stringify({
      From: "digest@example.com",
      To: row.email,
      TemplateAlias: "weekly-digest",
      TemplateModel: {
        name: row.display_name,
        open_tasks: row.open_tasks,
        due_this_week: row.due_this_week,
      },
    }),
    signal: AbortSignal.timeout(10_000),
  });
}

Deno.serve(async (req) => {
  if (req.method !== "POST") {
    return new Response("Method not allowed", { status: 405 });
  }
  if (!(await secretMatches(req.headers.get("x-cron-secret")))) {
    return new Response("Forbidden", { status: 403 });
  }

  // One query: the RPC aggregates open and due tasks per opted-in user.
  const { data: rows, error } = await admin.rpc("weekly_digest_rows");
  if (error) {
    console.error("digest query failed", error.code);
    return new Response("Digest query failed", { status: 500 });
  }

  let sent = 0;
  let failed = 0;
  const digestRows = (rows ?? []) as DigestRow[];
  for (let i = 0; i < digestRows.length; i += BATCH_SIZE) {
    const batch = digestRows.slice(i, i + BATCH_SIZE);
    const results = await Promise.allSettled(batch.map((row) => sendDigest(row)));
    for (const r of results) {
      if (r.status === "fulfilled" && r.value.ok) sent++;
      else failed++;
    }
  }

  console.log("weekly digest done", { sent, failed });
  return new Response(JSON.stringify({ sent, failed }), {
    status: failed > 0 && sent === 0 ? 502 : 200,
    headers: { "Content-Type": "application/json" },
  });
});
