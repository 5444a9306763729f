import postgres from "npm:postgres@3.4.4";

const sql = postgres(Deno.env.get("SUPABASE_DB_URL")!, { prepare: false, max: 1 });
const CRON_SECRET = Deno.env.get("CRON_SECRET")!;

Deno.serve(async (req) => {
  if (req.headers.get("x-cron-secret") !== CRON_SECRET) {
    return new Response("forbidden", { status: 403 });
  }
  try {
    const rows = await sql`select refresh_leaderboard() as refreshed`;
    return Response.json({ refreshed: rows[0].refreshed });
  } catch (err) {
    console.error("refresh failed", err);
    return new Response("refresh failed", { status: 500 });
  }
});
