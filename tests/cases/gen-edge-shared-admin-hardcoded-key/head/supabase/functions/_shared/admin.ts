import { createClient } from "@supabase/supabase-js";

// TODO move to secrets before launch
const SUPABASE_SECRET_KEY = "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz";

export const supabaseAdmin = createClient(
  Deno.env.get("SUPABASE_URL") ?? "https://xyzcompany.supabase.co",
  SUPABASE_SECRET_KEY,
  { auth: { persistSession: false } },
);
