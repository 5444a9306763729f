"""The analysis: before/after replay, changed statements, existence questions, caching."""

from __future__ import annotations

from pathlib import Path

from agents.sql.analysis import BaseModelCache, analyse, build_analysis, migration_order
from tests.helpers.workspace import workspace_from_trees

BASE = {
    "supabase/migrations/20240101000000_init.sql": "create table public.a (id int);\n",
    "supabase/migrations/20240102000000_more.sql": "alter table public.a enable row level "
    "security;\n",
}


def test_migration_order_is_by_file_name() -> None:
    paths = ["supabase/migrations/2_b.sql", "supabase/migrations/1_a.sql", "supabase/seed.sql"]
    assert migration_order(paths) == ["supabase/migrations/1_a.sql", "supabase/migrations/2_b.sql"]


def test_before_and_after_and_existence() -> None:
    ws = workspace_from_trees(
        BASE,
        {
            "supabase/migrations/20240201000000_pr.sql": (
                "create table public.b (id int);\ncreate index on public.a (id);\n"
            )
        },
    )
    analysis = analyse(ws)
    assert ("public", "b") not in analysis.before.tables
    assert ("public", "b") in analysis.after.tables
    assert analysis.after.tables[("public", "a")].rls_enabled
    assert analysis.existed_before("table", ("public", "a"))
    assert not analysis.existed_before("table", ("public", "b"))
    assert analysis.created_in_pr("table", ("public", "b"))
    path = "supabase/migrations/20240201000000_pr.sql"
    first, second = analysis.parsed[path].statements
    assert not analysis.existed_before_statement("table", ("public", "b"), path, first)
    assert analysis.existed_before_statement("table", ("public", "b"), path, second)
    snapshot = analysis.state_before(path, second)
    assert ("public", "b") in snapshot.tables and not snapshot.indexes_on(("public", "a"))
    assert analyse(ws) is analysis  # cached per workspace


def test_changed_statements_only_touch_added_lines() -> None:
    path = "supabase/migrations/20240101000000_init.sql"
    ws = workspace_from_trees(
        {path: "create table public.a (id int);\n"},
        {path: "create table public.a (id int);\ncreate table public.c (id int);\n"},
    )
    analysis = analyse(ws)
    changed = analysis.changed_statements(path)
    assert [s.line for s in changed] == [2]
    assert analysis.history_rewritten  # an already-applied migration was edited
    assert ("public", "c") in analysis.after.tables


def test_exposed_schemas_from_config() -> None:
    ws = workspace_from_trees(
        {"supabase/config.toml": '[api]\nschemas = ["public", "api"]\n'},
        {"supabase/migrations/1_x.sql": "create table api.t (id int);\n"},
    )
    analysis = analyse(ws)
    assert analysis.after.is_exposed("api") and not analysis.after.is_exposed("graphql_public")


def test_base_model_cached_by_content(tmp_path: Path) -> None:
    cache = BaseModelCache()
    head: dict[str, str | None] = {
        "supabase/migrations/20240301000000_pr.sql": "create table public.z (id int);\n"
    }
    build_analysis(workspace_from_trees(BASE, head), cache)
    build_analysis(workspace_from_trees(BASE, head), cache)
    assert (cache.hits, cache.misses) == (1, 1)
    changed = dict(BASE)
    changed["supabase/migrations/20240101000000_init.sql"] = "create table public.q (id int);\n"
    build_analysis(workspace_from_trees(changed, head), cache)
    assert cache.misses == 2
    files = [(p, t) for p, t in sorted(BASE.items())]
    disk = BaseModelCache()
    first = disk.get_or_replay(files, ("public",), tmp_path)
    again = BaseModelCache().get_or_replay(files, ("public",), tmp_path)
    assert list(tmp_path.iterdir()) and again.tables.keys() == first.tables.keys()
