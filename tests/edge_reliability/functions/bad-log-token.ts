import { corsHeaders } from "../_shared/cors.ts";

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") return new Response("ok", { headers: corsHeaders });
  const authHeader = req.headers.get("Authorization");
  console.log("auth header", authHeader);
  const body = await req.json().catch(() => null);
  console.log("payload", JSON.stringify(body));
  console.log("all headers", Object.fromEntries(req.headers));
  return Response.json({ ok: true }, { headers: corsHeaders });
});
