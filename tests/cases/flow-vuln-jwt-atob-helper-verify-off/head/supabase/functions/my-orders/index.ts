import { createClient } from "jsr:@supabase/supabase-js@2";
import { corsHeaders } from "../_shared/cors.ts";

const admin = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
  { auth: { persistSession: false } },
);

interface Claims {
  sub: string;
  email?: string;
  exp?: number;
}

function claimsFrom(req: Request): Claims | null {
  const header = req.headers.get("Authorization") ?? "";
  const token = header.replace(/^Bearer\s+/i, "");
  const [, payload] = token.split(".");
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(base64)) as Claims;
  } catch {
    return null;
  }
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });
}

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }

  const claims = claimsFrom(req);
  if (!claims?.sub) {
    return json({ error: "Unauthorized" }, 401);
  }
  if (claims.exp && claims.exp * 1000 < Date.now()) {
    return json({ error: "Session expired" }, 401);
  }

  const { data: orders, error } = await admin
    .from("orders")
    .select("id, status, total_cents, created_at, shipping_address")
    .eq("user_id", claims.sub)
    .order("created_at", { ascending: false })
    .limit(50);

  if (error) {
    console.error("my-orders query failed", error);
    return json({ error: "Could not load orders" }, 500);
  }

  return json({ orders });
});
