import { createClient, type SupabaseClient } from "npm:@supabase/supabase-js@2.45.4";

/** A client that acts as the caller: every query runs under RLS with their JWT. */
export function createSupabaseClient(req: Request): SupabaseClient {
  return createClient(Deno.env.get("SUPABASE_URL")!, Deno.env.get("SUPABASE_ANON_KEY")!, {
    global: { headers: { Authorization: req.headers.get("Authorization") ?? "" } },
    auth: { persistSession: false },
  });
}
