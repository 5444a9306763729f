import Stripe from "npm:stripe@14.25.0";
import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";

const stripe = new Stripe(Deno.env.get("STRIPE_SECRET_KEY")!, {
  apiVersion: "2024-04-10",
  httpClient: Stripe.createFetchHttpClient(),
});
const PRICES = new Set(["price_basic", "price_pro"]);

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });
}

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") return new Response("ok", { headers: corsHeaders });
  if (req.method !== "POST") return json({ error: "Method not allowed" }, 405);

  const supabase = createClient(Deno.env.get("SUPABASE_URL")!, Deno.env.get("SUPABASE_ANON_KEY")!, {
    global: { headers: { Authorization: req.headers.get("Authorization") ?? "" } },
  });
  const { data: { user }, error: authError } = await supabase.auth.getUser();
  if (authError || !user) return json({ error: "Unauthorized" }, 401);

  let priceId: unknown;
  try {
    ({ priceId } = await req.json());
  } catch {
    return json({ error: "Body must be JSON" }, 400);
  }
  if (typeof priceId !== "string" || !PRICES.has(priceId)) {
    return json({ error: "Unknown price" }, 400);
  }

  try {
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: priceId, quantity: 1 }],
      client_reference_id: user.id,
      customer_email: user.email,
      success_url: `${Deno.env.get("SITE_URL")}/billing?status=success`,
      cancel_url: `${Deno.env.get("SITE_URL")}/billing?status=cancelled`,
    });
    return json({ url: session.url });
  } catch (err) {
    console.error("checkout session failed", (err as Error).message);
    return json({ error: "Could not start checkout" }, 502);
  }
});
