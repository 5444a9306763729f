import OpenAI from "npm:openai@4.56.0";

const openai = new OpenAI({ apiKey: Deno.env.get("OPENAI_API_KEY")! });

Deno.serve(async (req) => {
  try {
    const { input } = await req.json();
    const result = await openai.embeddings.create({ model: "text-embedding-3-small", input });
    return Response.json({ embedding: result.data[0].embedding });
  } catch (err) {
    console.error("embed failed", err instanceof Error ? err.name : "unknown");
    return Response.json({ error: "Could not embed" }, { status: 500 });
  }
});
