"""The edge_reliability specialist: Deno Edge Function correctness, auth and hygiene."""
