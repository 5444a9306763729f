import { createClient } from "jsr:@supabase/supabase-js@2";
import { corsHeaders } from "../_shared/cors.ts";

const admin = createClient(
  Deno.env.get("SUPABASE_URL")!,
  Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!,
);

interface TransferBody {
  fromWallet: string;
  toWallet: string;
  amount: number;
  memo?: string;
}

function reply(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });
}

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }

  const jwt = (req.headers.get("Authorization") ?? "").replace("Bearer ", "");
  const { data: { user }, error: authError } = await admin.auth.getUser(jwt);
  if (authError || !user) {
    return reply({ error: "Unauthorized" }, 401);
  }

  let body: TransferBody;
  try {
    body = await req.json();
  } catch {
    return reply({ error: "Invalid JSON" }, 400);
  }

  const amount = Number(body.amount);
  if (!Number.isFinite(amount) || amount <= 0 || amount > 10_000) {
    return reply({ error: "amount must be between 0 and 10000" }, 400);
  }

  // transfer_credits(p_from, p_to, p_amount, p_memo) is SECURITY DEFINER and
  // only executable by service_role: it moves the balance in one transaction.
  const args = {
    p_from: body.fromWallet,
    p_to: body.toWallet,
    p_amount: Math.round(amount),
    p_memo: body.memo?.slice(0, 140) ?? null,
    p_initiated_by: user.id,
  };
  const { data: transfer, error } = await admin.rpc("transfer_credits", args);

  if (error) {
    console.error("transfer_credits failed", error);
    return reply({ error: "Transfer failed" }, 500);
  }

  return reply({ transfer });
});
