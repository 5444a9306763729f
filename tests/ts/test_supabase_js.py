"""supabase-js references are read from query chains, not from words."""

from __future__ import annotations

from agents.ts.supabase_js import references, select_columns


def test_select_list_aliases_casts_json_paths_and_embeds() -> None:
    got = select_columns("id, title:name, data->>a, price::text, author:profiles(name), *")
    assert got == {"id", "name", "data", "price"}


def test_chain_columns_from_select_filters_rows_and_conflict_keys() -> None:
    refs = references(
        "src/lib/orders.ts",
        "const COLS = 'id, total';\n"
        "await supabase.from('orders').select(COLS).eq('status', s).order('created_at');\n"
        "await supabase.from('orders').upsert({ ref, note: n }, { onConflict: 'ref' });\n"
        "await db.from('orders').update(patch).or('a.eq.1,and(b.gt.2,c.is.null)');\n"
        "await supabase.rpc('order_stats', { since });\n",
    )
    assert refs.columns == {
        "orders": {"id", "total", "status", "created_at", "ref", "note", "a", "b", "c"}
    }
    assert refs.rpcs == {"order_stats"}


def test_words_are_not_references() -> None:
    refs = references(
        "src/lib/ai.ts",
        "const r = await openai.embeddings.create({ input });\n"
        "const d = product.description;\n"
        "await supabase.from('products').select('id, name');\n",
    )
    assert refs.columns == {"products": {"id", "name"}}


def test_generated_types_name_everything_and_count_for_nothing() -> None:
    generated = (
        "export type Json = string | number\n"
        "export type Database = {\n"
        "  public: { Tables: { products: { Row: { description: string } } } }\n"
        "}\n"
    )
    assert references("src/lib/database.types.ts", generated).columns == {}


def test_component_script_blocks_are_read() -> None:
    astro = "---\nconst { data } = await supabase.from('posts').select('slug');\n---\n<p/>\n"
    vue = "<template/>\n<script setup lang=\"ts\">\nawait sb.rpc('bump');\n</script>\n"
    assert references("src/pages/index.astro", astro).columns == {"posts": {"slug"}}
    assert references("src/App.vue", vue).rpcs == {"bump"}


def test_embedded_relations_are_table_references() -> None:
    refs = references(
        "src/data/orgs.ts",
        "await sb.from('organizations')\n"
        "  .select('id, members:team_members!inner(user_id, teams(id))');\n",
    )
    assert set(refs.columns) == {"organizations", "team_members", "teams"}
