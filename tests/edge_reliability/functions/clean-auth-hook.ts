import { Webhook } from "npm:standardwebhooks@1.0.0";
import { Resend } from "npm:resend@4.0.0";

const resend = new Resend(Deno.env.get("RESEND_API_KEY"));
const hookSecret = (Deno.env.get("SEND_EMAIL_HOOK_SECRET") ?? "").replace("v1,whsec_", "");

Deno.serve(async (req) => {
  if (req.method !== "POST") return new Response("not allowed", { status: 405 });
  const payload = await req.text();
  const headers = Object.fromEntries(req.headers);
  let user: { email: string };
  let email_data: { token: string; email_action_type: string };
  try {
    ({ user, email_data } = new Webhook(hookSecret).verify(payload, headers) as {
      user: { email: string };
      email_data: { token: string; email_action_type: string };
    });
  } catch {
    return Response.json({ error: { http_code: 401, message: "invalid signature" } }, { status: 401 });
  }
  const { error } = await resend.emails.send({
    from: "Team <auth@example.com>",
    to: [user.email],
    subject: "Your sign-in code",
    html: `<p>Your code is <strong>${email_data.token}</strong></p>`,
  });
  if (error) {
    console.error("auth e-mail failed", error.name);
    return Response.json({ error: { http_code: 502, message: "e-mail provider failed" } }, { status: 502 });
  }
  return Response.json({});
});
