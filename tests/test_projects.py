"""Project discovery: monorepo layouts, configured projects, which project a path is in."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from agents.changes import ChangedFile, DictTree, FileStatus, Workspace
from agents.projects import ProjectSpec, SupabaseProject, discover_projects, project_for


def test_nested_and_root_projects_are_all_found_and_nearest_wins() -> None:
    projects = discover_projects(
        [
            "supabase/config.toml",
            "apps/api/supabase/migrations/20240101000000_init.sql",
            "packages/db/supabase/functions/hello/index.ts",
            "README.md",
        ]
    )
    assert sorted(p.root for p in projects) == [
        "apps/api/supabase",
        "packages/db/supabase",
        "supabase",
    ]
    found = project_for(projects, "apps/api/supabase/migrations/20240101000000_init.sql")
    assert found is not None and found.root == "apps/api/supabase"
    assert found.is_migration("apps/api/supabase/migrations/20240101000000_init.sql")
    assert not found.is_migration("apps/api/supabase/migrations/old/20200101000000_x.sql")
    assert project_for(projects, "docs/index.md") is None


def test_vendored_hidden_and_lookalike_folders_are_not_projects() -> None:
    projects = discover_projects(
        [
            "node_modules/supabase/functions/x.ts",
            ".github/supabase/migrations/1_a.sql",
            "src/supabase/config.toml/not-a-file.txt",
            "src/lib/supabase.ts",
        ]
    )
    assert projects == ()


def test_function_name_and_shared_code() -> None:
    project = SupabaseProject.at("backend/supabase")
    assert project.function_name("backend/supabase/functions/send-email/index.ts") == "send-email"
    assert project.function_name("backend/supabase/functions/_shared/cors.ts") is None
    assert project.function_name("supabase/functions/send-email/index.ts") is None
    assert project.config_path == "backend/supabase/config.toml"
    assert project.seed_path == "backend/supabase/seed.sql"


def test_configured_projects_replace_discovery_and_add_migration_folders() -> None:
    spec = ProjectSpec(
        root="backend/supabase", migrations=("db/migrations", "backend/supabase/migrations")
    )
    projects = discover_projects(["supabase/config.toml"], [spec])
    assert [p.root for p in projects] == ["backend/supabase"]
    project = projects[0]
    assert project.is_migration("db/migrations/20240101000000_a.sql")
    assert project_for(projects, "db/migrations/20240101000000_a.sql") is project
    assert project.migrations_in(
        ["db/migrations/2_b.sql", "backend/supabase/migrations/1_a.sql", "db/x.sql"]
    ) == ["backend/supabase/migrations/1_a.sql", "db/migrations/2_b.sql"]


@pytest.mark.parametrize("bad", ["/etc/supabase", "../other/supabase"])
def test_configured_paths_must_stay_inside_the_repository(bad: str) -> None:
    with pytest.raises(ValidationError):
        ProjectSpec(root=bad)


def test_workspace_discovers_from_both_trees_and_the_changed_files() -> None:
    changed = ChangedFile(path="apps/web/supabase/migrations/2_b.sql", status=FileStatus.ADDED)
    workspace = Workspace(
        files=[changed],
        base=DictTree({"apps/api/supabase/config.toml": ""}),
        head=DictTree({}),
    )
    assert sorted(p.root for p in workspace.projects) == ["apps/api/supabase", "apps/web/supabase"]
    owner = workspace.project_for(changed.path)
    assert owner is not None and owner.root == "apps/web/supabase"
