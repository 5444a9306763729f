"""History edits: statements removed from applied migrations, where they were, and the
findings about editing, renaming and deleting migrations the base already has."""

from __future__ import annotations

from agents.changes import ChangedFile, FileStatus, Workspace
from agents.rls_security.agent import run_rules as rls_rules
from agents.schema_performance.agent import run_rules as perf_rules
from agents.sql.history import removed_statements, statements_differ
from pipeline.routing import route
from tests.helpers.workspace import workspace_from_trees

OLD = "supabase/migrations/20240101000000_notes.sql"
NOTES = (
    "create table public.notes (id bigint primary key, user_id uuid references auth.users (id),"
    " body text);\n"
    "alter table public.notes enable row level security;\n"
    'create policy "own" on public.notes for select to authenticated\n'
    "  using ((select auth.uid()) = user_id);\n"
)


def _findings(ws: Workspace) -> list[tuple[str | None, str, int | None, str]]:
    plan = route(ws.files)
    out = []
    for run, who in ((rls_rules, "rls_security"), (perf_rules, "schema_performance")):
        outcome = run(plan.files_for(who), ws)  # type: ignore[arg-type]
        out += [(f.rule, f.path, f.line, f.severity.value) for f in outcome.findings]
    return sorted(out, key=lambda f: (f[0] or "", f[1], f[2] or 0))


def test_removed_statement_maps_to_the_place_it_was() -> None:
    head = NOTES.replace("alter table public.notes enable row level security;\n", "")
    (gone,) = removed_statements(NOTES, head)
    assert gone.statement.kind == "AlterTableStmt" and gone.head_line == 2
    commented = NOTES.replace("alter table", "-- alter table")
    (hidden,) = removed_statements(NOTES, commented)
    assert hidden.head_line == 2
    assert removed_statements(NOTES, NOTES.replace("body text", "body  text")) == []


def test_comment_and_format_edits_change_no_statement() -> None:
    assert not statements_differ(NOTES, "-- notes\n" + NOTES.replace("  using", "    using"))
    assert statements_differ(NOTES, NOTES.replace("body text", "body text not null"))


def test_deleting_the_rls_line_of_an_applied_migration() -> None:
    head = NOTES.replace("alter table public.notes enable row level security;\n", "")
    found = _findings(workspace_from_trees({OLD: NOTES}, {OLD: head}))
    assert ("RLS029", OLD, 2, "critical") in found
    assert ("MIG017", OLD, 2, "high") in found


def test_a_comment_only_edit_is_not_a_finding() -> None:
    found = _findings(workspace_from_trees({OLD: NOTES}, {OLD: "-- the notes table\n" + NOTES}))
    assert found == []


def test_deleted_migrations_are_one_finding_per_project_and_lose_their_protection() -> None:
    other = "supabase/migrations/20240102000000_more.sql"
    base = {
        OLD: "create table public.notes (id bigint primary key, body text);\n",
        other: "alter table public.notes enable row level security;\n",
    }
    ws = workspace_from_trees(base, {other: None})
    found = _findings(ws)
    assert ("MIG017", other, None, "high") in found
    assert ("RLS029", other, None, "critical") in found
    two = _findings(
        workspace_from_trees(
            {**base, "supabase/migrations/3_x.sql": "select 1;\n"},
            {other: None, "supabase/migrations/3_x.sql": None},
        )
    )
    assert len([f for f in two if f[0] == "MIG017"]) == 1


def test_many_edited_applied_migrations_are_one_finding_listing_them() -> None:
    names = [f"supabase/migrations/2024010{i}000000_m{i}.sql" for i in range(1, 5)]
    base = {n: f"create table public.t{i} (id bigint primary key);\n" for i, n in enumerate(names)}
    edited = {n: t.replace("primary key", "primary key, note text") for n, t in base.items()}
    found = [f for f in _findings(workspace_from_trees(base, edited)) if f[0] == "MIG017"]
    assert found == [("MIG017", names[0], 1, "high")]
    two = {n: edited[n] for n in names[:2]}
    found = [f for f in _findings(workspace_from_trees(base, two)) if f[0] == "MIG017"]
    assert [f[1] for f in found] == names[:2]  # a couple of edits: each at its own line


def test_renamed_applied_migration() -> None:
    new = "supabase/migrations/20240301000000_notes.sql"
    renamed = ChangedFile(
        path=new,
        status=FileStatus.RENAMED,
        old_path=OLD,
        head_text=NOTES,
        head_complete=True,
        notes=("renamed without content change",),
    )
    from agents.changes import DictTree

    ws = Workspace(
        files=[renamed], base=DictTree({OLD: NOTES}), head=DictTree({new: NOTES}), has_repo=True
    )
    found = _findings(ws)
    assert ("MIG017", new, None, "high") in found


def test_restrictive_policy_dropped_by_the_pr() -> None:
    base = {
        OLD: NOTES + 'create policy "not banned" on public.notes as restrictive for all\n'
        "  to authenticated using (true);\n"
    }
    pr = "supabase/migrations/20240601000000_drop.sql"
    found = _findings(
        workspace_from_trees(base, {pr: 'drop policy "not banned" on public.notes;\n'})
    )
    assert ("RLS029", pr, 1, "high") in found


def test_config_exposing_a_schema_with_a_granted_table_without_rls() -> None:
    config = "supabase/config.toml"
    base = {
        config: '[api]\nenabled = true\nschemas = ["public"]\n',
        "supabase/migrations/20240101000000_api.sql": (
            "create schema api;\ncreate table api.ledger (id int, amount int);\n"
            "grant usage on schema api to anon;\ngrant select on api.ledger to anon;\n"
        ),
    }
    head = {config: '[api]\nenabled = true\nschemas = ["public", "api"]\n'}
    found = _findings(workspace_from_trees(base, head))
    assert found == [("RLS029", config, 3, "critical")]
    quiet = {config: '[api]\nenabled = true\nschemas = ["public"]\nmax_rows = 500\n'}
    assert _findings(workspace_from_trees(base, quiet)) == []
