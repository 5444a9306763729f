// Deletes the caller's own account: cancels their Stripe customer, removes
// their uploads and finally the auth user (rows cascade from auth.users).
import { createClient } from "@supabase/supabase-js";
import { corsHeaders } from "../_shared/cors.ts";

const STRIPE_SECRET_KEY = Deno.env.get("STRIPE_SECRET_KEY")!;
const STRIPE_TIMEOUT_MS = 8_000;

// Admin client: needed for auth.admin.deleteUser and to clean up storage.
const supabaseAdmin = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
  { auth: { persistSession: false, autoRefreshToken: false } },
);

function reply(body: unknown, status: number): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });
}

async function deleteStripeCustomer(customerId: string): Promise<boolean> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), STRIPE_TIMEOUT_MS);
  try {
    const res = await fetch(`https://api.stripe.com/v1/customers/${encodeURIComponent(customerId)}`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${STRIPE_SECRET_KEY}` },
      signal: controller.signal,
    });
    return res.ok || res.status === 404;
  } catch (err) {
    console.error("stripe customer delete failed", (err as Error).name);
    return false;
  } finally {
    clearTimeout(timer);
  }
}

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }
  if (req.method !== "POST") {
    return reply({ error: "Method not allowed" }, 405);
  }

  const token = req.headers.get("Authorization")?.replace(/^Bearer\s+/i, "");
  if (!token) {
    return reply({ error: "Missing bearer token" }, 401);
  }
  const { data: { user }, error: authError } = await supabaseAdmin.auth.getUser(token);
  if (authError || !user) {
    return reply({ error: "Invalid or expired session" }, 401);
  }

  try {
    const { data: profile, error: profileError } = await supabaseAdmin
      .from("profiles")
      .select("stripe_customer_id")
      .eq("id", user.id)
      .maybeSingle();
    if (profileError) throw profileError;

    if (profile?.stripe_customer_id && !(await deleteStripeCustomer(profile.stripe_customer_id))) {
      return reply({ error: "Could not cancel your subscription, please try again" }, 502);
    }

    const { data: files, error: listError } = await supabaseAdmin.storage
      .from("uploads")
      .list(user.id, { limit: 1000 });
    if (listError) throw listError;
    if (files.length > 0) {
      const { error: removeError } = await supabaseAdmin.storage
        .from("uploads")
        .remove(files.map((f) => `${user.id}/${f.name}`));
      if (removeError) throw removeError;
    }

    const { error: deleteError } = await supabaseAdmin.auth.admin.deleteUser(user.id);
    if (deleteError) throw deleteError;

    return reply({ deleted: true }, 200);
  } catch (err) {
    console.error("account deletion failed", user.id, (err as Error).message);
    return reply({ error: "Could not delete the account" }, 500);
  }
});
