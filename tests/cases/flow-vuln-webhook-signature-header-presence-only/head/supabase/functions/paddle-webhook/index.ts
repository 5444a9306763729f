import { createClient } from "npm:@supabase/supabase-js@2.45.4";

const supabaseAdmin = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
);

interface PaddleEvent {
  event_id: string;
  event_type: string;
  occurred_at: string;
  data: {
    id: string;
    status: string;
    customer_id: string;
    items: { price: { id: string } }[];
    current_billing_period?: { ends_at: string } | null;
    custom_data?: { user_id?: string } | null;
  };
}

const HANDLED = new Set([
  "subscription.created",
  "subscription.updated",
  "subscription.canceled",
]);

Deno.serve(async (req) => {
  if (req.method !== "POST") {
    return new Response("Method not allowed", { status: 405 });
  }

  const signature = req.headers.get("paddle-signature");
  if (!signature) {
    return new Response("Missing signature", { status: 400 });
  }

  const raw = await req.text();
  let event: PaddleEvent;
  try {
    event = JSON.parse(raw) as PaddleEvent;
  } catch {
    return new Response("Invalid payload", { status: 400 });
  }

  const { event_type: type, data } = event;
  if (!HANDLED.has(type)) {
    return new Response("ignored", { status: 200 });
  }

  const row = {
    paddle_subscription_id: data.id,
    paddle_customer_id: data.customer_id,
    user_id: data.custom_data?.user_id ?? null,
    status: data.status,
    price_id: data.items[0]?.price.id ?? null,
    current_period_end: data.current_billing_period?.ends_at ?? null,
    updated_at: event.occurred_at,
  };

  const { error } = await supabaseAdmin
    .from("subscriptions")
    .upsert(row, { onConflict: "paddle_subscription_id" });

  if (error) {
    console.error("paddle-webhook: upsert failed", event.event_id, error);
    return new Response("Database error", { status: 500 });
  }

  return new Response(JSON.stringify({ received: true }), {
    headers: { "Content-Type": "application/json" },
  });
});
