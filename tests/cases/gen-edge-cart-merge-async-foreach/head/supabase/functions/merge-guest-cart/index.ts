// After sign-in, moves the items a visitor put in their guest cart into
// their account's cart.
import { jsonResponse, preflight } from "../_shared/http.ts";
import { createSupabaseClient } from "../_shared/supabase.ts";

const MAX_ITEMS = 50;

type GuestItem = { productId: string; quantity: number };

function isGuestItem(value: unknown): value is GuestItem {
  const item = value as GuestItem;
  return typeof item?.productId === "string" &&
    Number.isInteger(item.quantity) && item.quantity > 0 && item.quantity <= 99;
}

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") return preflight();
  if (req.method !== "POST") return jsonResponse({ error: "Method not allowed" }, 405);

  const supabase = createSupabaseClient(req);
  const { data: { user } } = await supabase.auth.getUser();
  if (!user) return jsonResponse({ error: "Unauthorized" }, 401);

  let items: unknown;
  try {
    ({ items } = await req.json());
  } catch {
    return jsonResponse({ error: "Body must be JSON" }, 400);
  }
  if (!Array.isArray(items) || items.length > MAX_ITEMS || !items.every(isGuestItem)) {
    return jsonResponse({ error: `Expected up to ${MAX_ITEMS} { productId, quantity } items` }, 400);
  }

  items.forEach(async (item: GuestItem) => {
    const { error } = await supabase
      .from("cart_items")
      .upsert(
        { user_id: user.id, product_id: item.productId, quantity: item.quantity },
        { onConflict: "user_id,product_id" },
      );
    if (error) console.error("cart merge failed", error.code);
  });

  // Touch the cart so other tabs refresh; retried because it races with checkout.
  for (let attempt = 0; attempt < 3; attempt++) {
    const { error } = await supabase
      .from("carts")
      .upsert({ user_id: user.id, updated_at: new Date().toISOString() });
    if (!error) break;
    if (attempt === 2) {
      console.error("cart touch failed", error.code);
      return jsonResponse({ error: "Could not update your cart" }, 500);
    }
  }

  return jsonResponse({ merged: items.length });
});
