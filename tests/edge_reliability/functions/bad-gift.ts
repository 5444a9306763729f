import { createClient } from "npm:@supabase/supabase-js@2.45.4";
import { corsHeaders } from "../_shared/cors.ts";

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { ...corsHeaders, "Content-Type": "application/json" } });
}

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") return new Response("ok", { headers: corsHeaders });
  try {
    const supabase = createClient(Deno.env.get("SUPABASE_URL")!, Deno.env.get("SUPABASE_ANON_KEY")!, {
      global: { headers: { Authorization: req.headers.get("Authorization")! } },
    });
    const { data: { user } } = await supabase.auth.getUser();
    if (!user) return json({ error: "Unauthorized" }, 401);
    const { cardId } = await req.json();
    if (typeof cardId !== "string") return json({ error: "cardId required" }, 400);
    const { data: card, error: cardError } = await supabase.from("gift_cards").select("id, balance").eq("id", cardId).single();
    if (cardError) return json({ error: cardError.message, code: cardError.code }, 500);
    const { error: updateError } = await supabase.from("gift_cards").update({ claimed_by: user.id }).eq("id", card.id);
    if (updateError) {
      console.error("claim failed", updateError.message);
    }
    return json({ claimed: true, balance: card.balance });
  } catch (err) {
    return json({ error: err.message }, 500);
  }
});
