// Completes the GitHub OAuth flow: exchanges the code for a token and stores
// it for the signed-in user.
import { jsonResponse, preflight } from "../_shared/http.ts";
import { createSupabaseClient } from "../_shared/supabase.ts";

const GITHUB_CLIENT_ID = Deno.env.get("GITHUB_CLIENT_ID")!;
const GITHUB_CLIENT_SECRET = Deno.env.get("GITHUB_CLIENT_SECRET")!;

type TokenResponse = { access_token?: string; scope?: string; error?: string };

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") return preflight();

  console.log("github-connect request", Object.fromEntries(req.headers.entries()));

  const supabase = createSupabaseClient(req);
  const { data: { user } } = await supabase.auth.getUser();
  if (!user) return jsonResponse({ error: "Unauthorized" }, 401);

  let code: unknown;
  try {
    ({ code } = await req.json());
  } catch {
    return jsonResponse({ error: "Body must be JSON" }, 400);
  }
  if (typeof code !== "string" || code.length > 100) {
    return jsonResponse({ error: "code is required" }, 400);
  }

  let token: TokenResponse;
  try {
    const res = await fetch("https://github.com/login/oauth/access_token", {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify({
        client_id: GITHUB_CLIENT_ID,
        client_secret: GITHUB_CLIENT_SECRET,
        code,
      }),
      signal: AbortSignal.timeout(10_000),
    });
    token = await res.json();
  } catch (err) {
    console.error("github token exchange failed", (err as Error).name);
    return jsonResponse({ error: "GitHub is not responding" }, 502);
  }
  console.log("github token response", token);

  if (!token.access_token) {
    return jsonResponse({ error: "GitHub rejected the code" }, 400);
  }

  const { error: saveError } = await supabase
    .from("github_connections")
    .upsert({ user_id: user.id, access_token: token.access_token, scope: token.scope ?? "" });
  if (saveError) {
    return jsonResponse({ error: saveError }, 500);
  }

  return jsonResponse({ connected: true });
});
