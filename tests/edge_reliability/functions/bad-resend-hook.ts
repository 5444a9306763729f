import { Webhook } from "npm:svix@1.24.0";
import { createClient } from "npm:@supabase/supabase-js@2.45.4";

const admin = createClient(Deno.env.get("SUPABASE_URL")!, Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!);
const wh = new Webhook(Deno.env.get("RESEND_WEBHOOK_SECRET")!);

Deno.serve(async (req) => {
  const payload = await req.text();
  let event: { type: string; data: { email_id: string; to: string[] } };
  try {
    event = wh.verify(payload, Object.fromEntries(req.headers)) as typeof event;
  } catch {
    return new Response("invalid signature", { status: 400 });
  }
  console.log("resend event", event);
  for (const to of event.data.to) {
    await admin.from("email_events").insert({ email_id: event.data.email_id, recipient: to, type: event.type });
  }
  const { error } = await admin.from("emails").update({ last_event: event.type }).eq("id", event.data.email_id);
  if (error) {
    console.error("email update failed", error.code);
    return new Response("ok", { status: 200 });
  }
  await fetch(Deno.env.get("SLACK_WEBHOOK_URL")!, { method: "POST", body: JSON.stringify({ text: event.type }) });
  return new Response("ok");
});
