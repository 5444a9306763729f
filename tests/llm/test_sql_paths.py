"""The LLM layer's SQL-side path logic: nested Supabase projects are read like root ones."""

from __future__ import annotations

from agents.llm.budget import path_risk
from agents.llm.schema_context import schema_context
from tests.helpers.workspace import workspace_from_trees


def test_path_risk_knows_nested_projects() -> None:
    assert path_risk("apps/api/supabase/migrations/1_a.sql") == path_risk("db/x.sql") == 30
    assert path_risk("apps/api/supabase/functions/send/index.ts") == 25
    assert path_risk("supabase/functions/send/index.ts") == 25
    assert path_risk("src/functions/send/index.ts") == 5


def test_schema_context_reads_the_files_own_project() -> None:
    base = {
        "apps/api/supabase/migrations/20240101000000_a.sql": (
            "create table public.orders (id bigint primary key, buyer_id uuid);\n"
        ),
        "supabase/migrations/20240101000000_b.sql": "create table public.orders (id int);\n",
    }
    path = "apps/api/supabase/migrations/20240201000000_c.sql"
    ws = workspace_from_trees(base, {path: "create index on public.orders (buyer_id);\n"})
    text = schema_context([f for f in ws.files if f.path == path], ws)
    assert text is not None and "buyer_id uuid" in text
