import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";

// Catalogue data is public (RLS: select to anon, authenticated); this client
// never carries a user session, so sharing it across requests is safe.
const supabase = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_ANON_KEY")!,
  { auth: { persistSession: false, autoRefreshToken: false } },
);

const RATES_URL = "https://api.frankfurter.app/latest?from=EUR";
const CURRENCIES = new Set(["EUR", "USD", "GBP", "CHF"]);

function json(body: unknown, status = 200): Response {
  return Response.json(body, {
    status,
    headers: { ...corsHeaders, "Cache-Control": "public, max-age=300" },
  });
}

async function eurRate(currency: string): Promise<number | null> {
  if (currency === "EUR") return 1;
  const signal = AbortSignal.timeout(4_000);
  try {
    const res = await fetch(RATES_URL, { signal });
    if (!res.ok) return null;
    const body = await res.json();
    return typeof body.rates?.[currency] === "number" ? body.rates[currency] : null;
  } catch {
    return null;
  }
}

async function listProducts(url: URL): Promise<Response> {
  const currency = (url.searchParams.get("currency") ?? "EUR").toUpperCase();
  if (!CURRENCIES.has(currency)) {
    return json({ error: "Unsupported currency" }, 400);
  }
  const [rate, { data, error }] = await Promise.all([
    eurRate(currency),
    supabase.from("products").select("id, name, price_eur_cents").eq("active", true).order("name"),
  ]);
  if (error) {
    console.error("catalog query failed", error.code);
    return json({ error: "Catalogue unavailable" }, 503);
  }
  if (rate === null) {
    return json({ error: "Prices in that currency are temporarily unavailable" }, 503);
  }
  const products = data.map((p) => ({
    id: p.id,
    name: p.name,
    price: Math.round(p.price_eur_cents * rate) / 100,
  }));
  return json({ currency, products });
}

Deno.serve((req) => {
  if (req.method === "OPTIONS") {
    return new Response(null, { status: 204, headers: corsHeaders });
  }
  const url = new URL(req.url);
  if (req.method === "GET" && url.pathname.endsWith("/catalog/products")) {
    return listProducts(url);
  }
  return json({ error: "Not found" }, 404);
});
