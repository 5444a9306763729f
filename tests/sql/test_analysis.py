"""The analysis: per-project replay, changed statements, existence questions, caching."""

from __future__ import annotations

from pathlib import Path

from agents.projects import SupabaseProject
from agents.sql.analysis import BaseModelCache, analyse, build_analysis, migration_order
from tests.helpers.workspace import workspace_from_trees

BASE = {
    "supabase/migrations/20240101000000_init.sql": "create table public.a (id int);\n",
    "supabase/migrations/20240102000000_more.sql": "alter table public.a enable row level "
    "security;\n",
}


def test_migration_order_is_by_file_name_within_the_project() -> None:
    paths = ["supabase/migrations/2_b.sql", "supabase/migrations/1_a.sql", "supabase/seed.sql"]
    project = SupabaseProject.at("supabase")
    assert migration_order(paths, project) == [
        "supabase/migrations/1_a.sql",
        "supabase/migrations/2_b.sql",
    ]


def test_before_and_after_and_existence() -> None:
    ws = workspace_from_trees(
        BASE,
        {
            "supabase/migrations/20240201000000_pr.sql": (
                "create table public.b (id int);\ncreate index on public.a (id);\n"
            )
        },
    )
    path = "supabase/migrations/20240201000000_pr.sql"
    analysis = analyse(ws).for_path(path)
    assert analysis is not None
    assert ("public", "b") not in analysis.before.tables
    assert ("public", "b") in analysis.after.tables
    assert analysis.after.tables[("public", "a")].rls_enabled
    assert analysis.existed_before("table", ("public", "a"))
    assert not analysis.existed_before("table", ("public", "b"))
    assert analysis.created_in_pr("table", ("public", "b"))
    first, second = analysis.parsed[path].statements
    assert not analysis.existed_before_statement("table", ("public", "b"), path, first)
    assert analysis.existed_before_statement("table", ("public", "b"), path, second)
    snapshot = analysis.state_before(path, second)
    assert ("public", "b") in snapshot.tables and not snapshot.indexes_on(("public", "a"))
    assert analyse(ws).for_path(path) is analysis  # cached per workspace


def test_changed_statements_only_touch_added_lines() -> None:
    path = "supabase/migrations/20240101000000_init.sql"
    ws = workspace_from_trees(
        {path: "create table public.a (id int);\n"},
        {path: "create table public.a (id int);\ncreate table public.c (id int);\n"},
    )
    analysis = analyse(ws).for_path(path)
    assert analysis is not None
    changed = analysis.changed_statements(path)
    assert [s.line for s in changed] == [2]
    assert analysis.history_rewritten and analysis.applied_in_base(path)
    assert ("public", "c") in analysis.after.tables


def test_exposed_schemas_from_the_projects_own_config() -> None:
    ws = workspace_from_trees(
        {
            "apps/api/supabase/config.toml": '[api]\nschemas = ["public", "api"]\n',
            "supabase/config.toml": '[api]\nschemas = ["public"]\n',
        },
        {
            "apps/api/supabase/migrations/1_x.sql": "create table api.t (id int);\n",
            "supabase/migrations/1_y.sql": "create table public.u (id int);\n",
        },
    )
    nested = analyse(ws).for_path("apps/api/supabase/migrations/1_x.sql")
    root = analyse(ws).for_path("supabase/migrations/1_y.sql")
    assert nested is not None and root is not None and nested is not root
    assert nested.after.is_exposed("api") and not nested.after.is_exposed("graphql_public")
    assert not root.after.is_exposed("api")
    assert ("public", "u") not in nested.after.tables  # each project its own history


def test_nested_project_replays_its_own_history() -> None:
    base = {
        "backend/supabase/migrations/20240101000000_init.sql": (
            "create table public.notes (id int, user_id uuid);\n"
        ),
    }
    path = "backend/supabase/migrations/20240201000000_pr.sql"
    ws = workspace_from_trees(base, {path: "create index on public.notes (user_id);\n"})
    analysis = analyse(ws).for_path(path)
    assert analysis is not None and analysis.project is not None
    assert analysis.project.root == "backend/supabase"
    assert analysis.is_migration(path) and not analysis.applied_in_base(path)
    assert analysis.existed_before("table", ("public", "notes"))


def test_sql_outside_every_project_is_reviewed_without_history_and_noted() -> None:
    ws = workspace_from_trees({}, {"db/queries/report.sql": "create table public.r (id int);\n"})
    analyses = analyse(ws)
    analysis = analyses.for_path("db/queries/report.sql")
    assert analysis is not None and analysis.project is None
    assert ("public", "r") in analysis.after.tables
    assert not analysis.is_migration("db/queries/report.sql")
    assert any("outside every Supabase project" in n for n in analyses.all_notes())


def test_configured_migration_folder_is_a_migration_of_its_project() -> None:
    from agents.changes import Workspace
    from agents.projects import ProjectSpec

    ws = workspace_from_trees(
        {"db/migrations/20240101000000_a.sql": "create table public.a (id int);\n"},
        {"db/migrations/20240201000000_b.sql": "create index on public.a (id);\n"},
    )
    ws = Workspace(
        files=ws.files,
        base=ws.base,
        head=ws.head,
        has_repo=True,
        project_specs=(ProjectSpec(root="supabase", migrations=("db/migrations",)),),
    )
    analysis = analyse(ws).for_path("db/migrations/20240201000000_b.sql")
    assert analysis is not None
    assert analysis.is_migration("db/migrations/20240201000000_b.sql")
    assert analysis.existed_before("table", ("public", "a"))


def test_grant_regime_follows_migration_dates_and_config() -> None:
    old = "supabase/migrations/20240101000000_old.sql"
    new = "supabase/migrations/20261101000000_new.sql"
    ws = workspace_from_trees(
        {old: "create table public.before_change (id int);\n"},
        {new: "create table public.after_change (id int);\n"},
    )
    analysis = analyse(ws).for_path(new)
    assert analysis is not None
    cat = analysis.after
    assert "anon" in cat.api_can("table", ("public", "before_change"), "SELECT")
    assert not cat.api_can("table", ("public", "after_change"), "SELECT")
    legacy = workspace_from_trees(
        {"supabase/config.toml": "[api]\nauto_expose_new_tables = true\n"},
        {new: "create table public.after_change (id int);\n"},
    )
    found = analyse(legacy).for_path(new)
    assert found is not None
    assert "anon" in found.after.api_can("table", ("public", "after_change"), "SELECT")


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


def test_schema_files_changed_with_migrations_are_not_judged_twice() -> None:
    schema = "supabase/schemas/01_notes.sql"
    migration = "supabase/migrations/20240201000000_notes.sql"
    sql = "create table public.notes (id int);\n"
    both = analyse(workspace_from_trees({}, {schema: sql, migration: sql}))
    found = both.for_path(schema)
    assert found is not None and found.changed_statements(schema) == []
    assert found.changed_statements(migration)
    assert any("schema files" in n for n in both.all_notes())
    alone = analyse(workspace_from_trees({}, {schema: sql})).for_path(schema)
    assert alone is not None and alone.changed_statements(schema)
    assert ("public", "notes") in alone.after.tables
