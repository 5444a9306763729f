import { groupBy } from "lodash";
import { supabaseAdmin } from "../_shared/admin.ts";
import { corsHeaders } from "../_shared/cors.ts";

type Score = { player_name: string; region: string; points: number };

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") {
    return new Response("ok", { headers: corsHeaders });
  }

  // Public, aggregated data only: top scores per region, no user ids.
  const { data, error } = await supabaseAdmin
    .from("weekly_scores")
    .select("player_name, region, points")
    .order("points", { ascending: false })
    .limit(500);
  if (error) {
    console.error("leaderboard query failed", error.code);
    return Response.json({ error: "Leaderboard unavailable" }, { status: 503, headers: corsHeaders });
  }

  const byRegion = groupBy(data as Score[], (s: Score) => s.region);
  const top = Object.fromEntries(
    Object.entries(byRegion).map(([region, scores]) => [region, (scores as Score[]).slice(0, 10)]),
  );
  return Response.json({ top }, { headers: { ...corsHeaders, "Cache-Control": "public, max-age=60" } });
});
