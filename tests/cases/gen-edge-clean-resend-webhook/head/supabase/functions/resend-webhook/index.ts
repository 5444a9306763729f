// Resend delivery webhooks (signed with Svix). Marks subscribers as bounced or
// complained so we stop mailing them.
import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { decodeBase64, encodeBase64 } from "jsr:@std/encoding@1.0.5/base64";

const admin = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
  { auth: { persistSession: false } },
);

// whsec_<base64 key>
const SIGNING_KEY = decodeBase64(Deno.env.get("RESEND_WEBHOOK_SECRET")!.replace(/^whsec_/, ""));
const TOLERANCE_SECONDS = 5 * 60;

type ResendEvent = {
  type: string;
  data: { to: string[]; email_id: string };
};

function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

async function verify(id: string, timestamp: string, body: string, header: string): Promise<boolean> {
  const sentAt = Number(timestamp);
  if (!Number.isFinite(sentAt) || Math.abs(Date.now() / 1000 - sentAt) > TOLERANCE_SECONDS) {
    return false;
  }
  const key = await crypto.subtle.importKey(
    "raw",
    SIGNING_KEY,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`));
  const expected = encodeBase64(new Uint8Array(mac));
  // The header can hold several space-separated "v1,<sig>" entries.
  return header.split(" ").some((entry) => timingSafeEqual(entry.replace(/^v1,/, ""), expected));
}

Deno.serve(async (req) => {
  if (req.method !== "POST") {
    return new Response("Method not allowed", { status: 405 });
  }

  const svixId = req.headers.get("svix-id");
  const svixTimestamp = req.headers.get("svix-timestamp");
  const svixSignature = req.headers.get("svix-signature");
  if (!svixId || !svixTimestamp || !svixSignature) {
    return new Response("Missing signature headers", { status: 400 });
  }

  const body = await req.text();
  if (!(await verify(svixId, svixTimestamp, body, svixSignature))) {
    return new Response("Invalid signature", { status: 401 });
  }

  let event: ResendEvent;
  try {
    event = JSON.parse(body);
  } catch {
    return new Response("Invalid JSON", { status: 400 });
  }

  const status = event.type === "email.bounced"
    ? "bounced"
    : event.type === "email.complained"
    ? "complained"
    : null;
  if (!status) {
    return new Response(JSON.stringify({ ignored: event.type }), { status: 200 });
  }

  const email = event.data.to[0]?.toLowerCase();
  if (!email) {
    return new Response("Event without recipient", { status: 400 });
  }

  // Deduplicate retries: the svix id is the primary key.
  const { error: eventError } = await admin
    .from("email_events")
    .upsert({ svix_id: svixId, event_type: event.type, email }, { onConflict: "svix_id", ignoreDuplicates: true });
  if (eventError) {
    console.error("could not record email event", svixId, eventError.code);
    return new Response("Temporary failure", { status: 500 });
  }

  const { error: updateError } = await admin
    .from("subscribers")
    .update({ status, updated_at: new Date().toISOString() })
    .eq("email", email);
  if (updateError) {
    console.error("could not update subscriber", svixId, updateError.code);
    return new Response("Temporary failure", { status: 500 });
  }

  return new Response(JSON.stringify({ received: true }), {
    status: 200,
    headers: { "Content-Type": "application/json" },
  });
});
