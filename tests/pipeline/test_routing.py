"""Routing: globs, default table, content hints, skips, config overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.changes import ChangedFile, FileStatus
from agents.errors import UsageError
from pipeline.config import config_from_mapping, load_config
from pipeline.globs import glob_match
from pipeline.routing import route


def changed(
    path: str,
    text: str | None = "x\n",
    status: FileStatus = FileStatus.ADDED,
    *,
    is_binary: bool = False,
) -> ChangedFile:
    lines = frozenset(range(1, (text or "").count("\n") + 1))
    return ChangedFile(
        path=path,
        status=status,
        head_text=text,
        added_lines=lines,
        head_complete=True,
        is_binary=is_binary,
    )


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("supabase/migrations/**/*.sql", "supabase/migrations/1_a.sql", True),
        ("supabase/migrations/**/*.sql", "supabase/migrations/sub/1_a.sql", True),
        ("supabase/migrations/**/*.sql", "supabase/migrations.sql", False),
        ("*.sql", "deep/down/q.sql", True),
        ("*.sql", "q.sql", True),
        ("supabase/*.sql", "supabase/x/q.sql", False),
        ("supabase/functions/**/*.{ts,tsx,js}", "supabase/functions/a/index.tsx", True),
        ("supabase/functions/**/*.{ts,tsx,js}", "supabase/functions/a/index.py", False),
        ("node_modules/**", "node_modules/a/b.js", True),
        ("database.types.ts", "src/lib/database.types.ts", True),
        ("a?c.ts", "abc.ts", True),
        ("a?c.ts", "a/c.ts", False),
    ],
)
def test_glob_dialect(pattern: str, path: str, expected: bool) -> None:
    assert glob_match(pattern, path) is expected


def test_default_routes() -> None:
    files = [
        changed("supabase/migrations/20240101_a.sql"),
        changed("db/queries/report.sql"),
        changed("supabase/functions/hello/index.ts", 'Deno.serve(() => new Response("hi"))\n'),
        changed(
            "supabase/functions/db/index.ts",
            'import { createClient } from "npm:@supabase/supabase-js@2";\n'
            "const c = createClient(u, k);\n",
        ),
        changed("supabase/config.toml", "[functions.hello]\nverify_jwt = false\n"),
        changed("supabase/functions/hello/deno.json", "{}\n"),
        changed("README.md"),
    ]
    plan = route(files)
    paths = {s: [f.path for f in fs] for s, fs in plan.by_stage.items()}
    assert paths["rls_security"] == [
        "supabase/migrations/20240101_a.sql",
        "db/queries/report.sql",
        "supabase/functions/db/index.ts",
        "supabase/config.toml",
    ]
    assert paths["schema_performance"] == [
        "supabase/migrations/20240101_a.sql",
        "db/queries/report.sql",
        "supabase/functions/hello/index.ts",
        "supabase/functions/db/index.ts",
    ]
    assert paths["edge_reliability"] == [
        "supabase/functions/hello/index.ts",
        "supabase/functions/db/index.ts",
        "supabase/config.toml",
        "supabase/functions/hello/deno.json",
    ]
    assert plan.unrouted == ["README.md"]
    assert plan.skipped == {}


def test_skip_reasons() -> None:
    files = [
        changed("supabase/functions/_shared/database.types.ts"),
        changed("package-lock.json"),
        changed("web/app.min.js"),
        changed("web/old.ts", None, FileStatus.DELETED),
        changed("logo.png", None, is_binary=True),
        changed("supabase/migrations/huge.sql", "x" * 2000 + "\n"),
    ]
    plan = route(files, max_file_bytes=1000)
    assert plan.skipped == {
        "supabase/functions/_shared/database.types.ts": "generated types",
        "package-lock.json": "lock file",
        "web/app.min.js": "minified or source map",
        "web/old.ts": "deleted",
        "logo.png": "binary",
        "supabase/migrations/huge.sql": "too large (2,001 bytes > 1,000)",
    }
    assert plan.by_stage == {}


def test_frontend_file_routed_only_when_it_mentions_a_secret() -> None:
    plain = changed("src/pages/index.astro", "<h1>hi</h1>\n")
    leaky = changed("src/lib/admin.ts", 'const key = "SUPABASE_SERVICE_ROLE_KEY";\n')
    plan = route([plain, leaky])
    assert [f.path for f in plan.files_for("rls_security")] == ["src/lib/admin.ts"]
    assert plan.unrouted == ["src/pages/index.astro"]


def test_config_adds_routes_and_skips() -> None:
    config = config_from_mapping(
        {
            "routes": [{"paths": ["db/**/*.psql"], "specialists": ["schema_performance"]}],
            "skip": [{"paths": ["supabase/seed.sql"], "reason": "seed data"}],
        }
    )
    plan = route(
        [
            changed("db/x/a.psql"),
            changed("supabase/seed.sql"),
            changed("supabase/migrations/1.sql"),
        ],
        config.routes,
        config.skip,
    )
    assert [f.path for f in plan.files_for("schema_performance")] == [
        "db/x/a.psql",
        "supabase/migrations/1.sql",
    ]
    assert plan.skipped == {"supabase/seed.sql": "seed data"}


def test_config_can_replace_default_routes() -> None:
    config = config_from_mapping(
        {
            "replace_default_routes": True,
            "routes": [{"paths": ["*.sql"], "specialists": ["rls_security"]}],
        }
    )
    plan = route([changed("a.sql"), changed("supabase/functions/f/index.ts")], config.routes)
    assert list(plan.by_stage) == ["rls_security"]
    assert plan.unrouted == ["supabase/functions/f/index.ts"]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"routes": [{"paths": ["*.sql"], "specialists": ["nobody"]}]}, "routes.0.specialists"),
        ({"fail_on": "sometimes"}, "fail_on"),
        ({"unknown_key": 1}, "unknown_key"),
        ({"routes": [{"paths": ["*"], "specialists": ["rls_security"], "content": "("}]}, "routes"),
        (["not", "a", "mapping"], "mapping"),
        ({"settings": {"rls_security": {"x": 1}}}, "settings.rls_security.x"),
        ({"settings": {"nobody": {}}}, "no stage or analysis is called 'nobody'"),
        ({"settings": {"sql": {"model_cache_dir": 3}}}, "settings.sql.model_cache_dir"),
    ],
)
def test_invalid_config_is_one_line_usage_error(data: object, fragment: str) -> None:
    with pytest.raises(UsageError) as info:
        config_from_mapping(data, "cfg.yml")
    message = str(info.value)
    assert "\n" not in message
    assert fragment in message


def test_load_config_from_repo_default_path(tmp_path: Path) -> None:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/architect-review.yml").write_text(
        "fail_on: high\nllm:\n  model: claude-haiku-5-5\n"
        "settings:\n  sql: {model_cache_dir: .cache/ar}\n  rls_security: {}\n"
    )
    config = load_config(None, tmp_path)
    assert config.fail_on == "high"
    assert config.llm.model == "claude-haiku-5-5"
    assert config.settings == {"sql": {"model_cache_dir": ".cache/ar"}, "rls_security": {}}
    assert config.with_overrides(fail_on="low", model="m").fail_on == "low"


def test_load_config_defaults_and_errors(tmp_path: Path) -> None:
    assert load_config(None, tmp_path).routes  # no file: defaults
    with pytest.raises(UsageError, match="config file not found"):
        load_config(tmp_path / "missing.yml", tmp_path)
    bad = tmp_path / "bad.yml"
    bad.write_text("routes: [\n")
    with pytest.raises(UsageError, match="invalid YAML"):
        load_config(bad, None)


def test_this_repositorys_own_config_is_valid() -> None:
    root = Path(__file__).resolve().parents[2]
    config = load_config(None, root)
    assert config.source is not None and config.source.endswith("architect-review.yml")
    plan = route(
        [changed("tests/rules/fixtures/RLS001/bad.sql"), changed("supabase/migrations/1.sql")],
        config.routes,
        config.skip,
    )
    assert list(plan.skipped) == ["tests/rules/fixtures/RLS001/bad.sql"]


def test_deleted_and_renamed_sql_still_reach_the_sql_specialists() -> None:
    gone = changed("supabase/migrations/20240101000000_old.sql", None, FileStatus.DELETED)
    plan = route([gone])
    assert not plan.skipped
    assert [f.path for f in plan.files_for("rls_security")] == [gone.path]
    assert [f.path for f in plan.files_for("schema_performance")] == [gone.path]
