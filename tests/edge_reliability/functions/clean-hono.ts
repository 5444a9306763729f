import { Hono } from "jsr:@hono/hono@4.6.3";
import { cors } from "jsr:@hono/hono@4.6.3/cors";
import { createClient } from "npm:@supabase/supabase-js@2.45.4";

const app = new Hono().basePath("/todos");
app.use("*", cors());

app.get("/", async (c) => {
  const supabase = createClient(Deno.env.get("SUPABASE_URL")!, Deno.env.get("SUPABASE_ANON_KEY")!, {
    global: { headers: { Authorization: c.req.header("Authorization") ?? "" } },
  });
  const { data, error } = await supabase.from("todos").select("id, title, done");
  if (error) return c.json({ error: "Could not load todos" }, 500);
  return c.json(data);
});

Deno.serve(app.fetch);
