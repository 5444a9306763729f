// Lemon Squeezy subscription events: keeps subscriptions.plan in sync.
import { createClient } from "npm:@supabase/supabase-js@2.45.4";

const supabase = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
  { auth: { persistSession: false } },
);

const PLAN_BY_VARIANT: Record<string, string> = {
  "123456": "pro",
  "123457": "team",
};

type LemonEvent = {
  meta: { event_name: string; custom_data?: { user_id?: string } };
  data: { id: string; attributes: { variant_id: number; status: string; renews_at: string | null } };
};

Deno.serve(async (req) => {
  if (req.method !== "POST") {
    return new Response("Method not allowed", { status: 405 });
  }

  const signature = req.headers.get("X-Signature");
  if (!signature) {
    return new Response("Missing signature", { status: 401 });
  }

  let event: LemonEvent;
  try {
    event = JSON.parse(await req.text());
  } catch {
    return new Response("Invalid JSON", { status: 400 });
  }

  const userId = event.meta.custom_data?.user_id;
  if (!userId) {
    return new Response("No user on event", { status: 400 });
  }

  const plan = event.data.attributes.status === "active"
    ? PLAN_BY_VARIANT[String(event.data.attributes.variant_id)] ?? "free"
    : "free";

  const { error } = await supabase
    .from("subscriptions")
    .upsert({
      user_id: userId,
      lemon_subscription_id: event.data.id,
      plan,
      renews_at: event.data.attributes.renews_at,
    }, { onConflict: "user_id" });
  if (error) {
    console.error("subscription sync failed", event.data.id, error.code);
    return new Response("Temporary failure", { status: 500 });
  }

  return new Response(JSON.stringify({ received: true }), {
    headers: { "Content-Type": "application/json" },
  });
});
