"""The two-user probe through the whole stage: what it proves, where it points, what it keeps
quiet about.  Each test is a small PR against a real PostgreSQL (the suite's shared server)."""

from __future__ import annotations

from agents.database.findings import DB_PROBE
from agents.database.merge import merge_with_measurements
from agents.database.probe import ProbeReport, reproduction
from agents.database.probes import Actor
from agents.database.stage import DatabaseOutcome
from agents.findings import Finding, Severity
from tests.database.helpers import MIG, stage

NOTES = """
create table public.notes (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null default auth.uid() references auth.users (id),
  body text not null default ''
);
alter table public.notes enable row level security;
create policy "owners read notes" on public.notes for select to authenticated
  using (owner_id = (select auth.uid()));
"""


def _probe(out: DatabaseOutcome) -> ProbeReport:
    assert out.status == "ran", out.reason
    assert len(out.probes) == 1 and out.probes[0].status == "ran", out.probes
    return out.probes[0]


def test_correct_owner_policies_give_no_finding() -> None:
    report = _probe(stage({}, {"20240101000000_notes.sql": NOTES}))
    assert report.findings == [] and report.existing_risks == []
    assert "public.notes" in report.probed


def test_update_counts_only_rows_the_select_policies_let_through() -> None:
    # the UPDATE policy is too broad, but PostgreSQL applies the SELECT policy to every row an
    # UPDATE … WHERE reads: B (like the API) cannot change A's notes, so nothing is proven
    sql = NOTES + (
        'create policy "signed in update" on public.notes for update to authenticated\n'
        "  using ((select auth.uid()) is not null);\n"
    )
    report = _probe(stage({}, {"20240101000000_notes.sql": sql}))
    assert report.findings == [], [f.message for f in report.findings]


def test_leak_is_anchored_at_the_policy_with_proof_and_reproduction() -> None:
    sql = NOTES + (
        'create policy "readers" on public.notes for select to authenticated\n'
        "  using (owner_id <> (select auth.uid()) or owner_id = (select auth.uid()));\n"
    )
    report = _probe(stage({}, {"20240101000000_notes.sql": sql}))
    assert len(report.findings) == 1, [f.message for f in report.findings]
    f = report.findings[0]
    assert (f.rule, f.severity, f.source) == (DB_PROBE, Severity.CRITICAL, "database")
    assert (f.path, f.line) == (MIG + "20240101000000_notes.sql", 10)
    assert "as authenticated user B" in f.message and "3 of A's 3 rows" in f.message
    assert '"readers"' in f.message
    assert f.reproduction is not None and f.reproduction.startswith('psql "$DATABASE_URL"')
    assert "set local role authenticated" in f.reproduction and "rollback" in f.reproduction


def test_public_by_design_is_not_reported_again() -> None:
    sql = NOTES + (
        "alter table public.notes add column published boolean not null default false;\n"
        'create policy "published notes" on public.notes for select to anon, authenticated\n'
        "  using (published);\n"
        'create policy "catalog" on public.notes for update to authenticated using (true);\n'
    )
    report = _probe(stage({}, {"20240101000000_notes.sql": sql}))
    assert report.findings == [], [f.message for f in report.findings]


def test_untouched_objects_are_existing_risks_and_read_only_scope_is_high() -> None:
    base = {
        "20240101000000_notes.sql": NOTES
        + (
            'create policy "leaky" on public.notes for select to authenticated\n'
            "  using ((select auth.uid()) is not null);\n"
            "create table public.tags (id uuid primary key default gen_random_uuid(),\n"
            "  owner_id uuid not null default auth.uid() references auth.users (id));\n"
            "alter table public.tags enable row level security;\n"
            'create policy "leaky tags" on public.tags for select to authenticated\n'
            "  using ((select auth.uid()) is not null);\n"
        )
    }
    head: dict[str, str | None] = {
        "20240201000000_links.sql": (
            "create table public.links (id uuid primary key default gen_random_uuid(),\n"
            "  owner_id uuid not null default auth.uid() references auth.users (id));\n"
            "alter table public.links enable row level security;\n"
            'create policy "own links" on public.links for select to authenticated\n'
            "  using (owner_id = (select auth.uid())\n"
            "    and exists (select 1 from public.tags t where t.owner_id = links.owner_id));\n"
        )
    }
    report = _probe(stage(base, head))
    assert [f.line for f in report.existing_risks] == [10], report.existing_risks
    assert report.existing_risks[0].path.endswith("20240101000000_notes.sql")
    tags = [f for f in report.findings if "public.tags" in f.message]
    assert len(tags) == 1 and tags[0].severity is Severity.HIGH, report.findings
    assert all(f.line != 10 for f in report.findings)


def test_anon_reading_through_a_caller_check_that_holds_for_nobody() -> None:
    sql = (
        "create table public.docs (id uuid primary key default gen_random_uuid(),\n"
        "  owner_id uuid not null default auth.uid() references auth.users (id),\n"
        "  shared_with uuid[] not null default '{}');\n"
        "alter table public.docs enable row level security;\n"
        'create policy "owners and shares" on public.docs for select\n'
        "  using (owner_id = auth.uid() or shared_with <@ array[auth.uid()]);\n"
    )
    report = _probe(stage({}, {"20240101000000_docs.sql": sql}))
    titles = {f.title for f in report.findings}
    assert any("Signed-out visitors" in t for t in titles) or any(
        "as `anon`" in f.message for f in report.findings
    ), [f.message for f in report.findings]
    assert all(f.line == 5 for f in report.findings)


def test_definer_view_and_function_expose_private_rows() -> None:
    sql = NOTES + (
        "alter table public.notes add column title text not null;\n"
        "create view public.all_notes as select id, owner_id, title from public.notes;\n"
        "create function public.notes_of(p_user_id uuid) returns setof public.notes\n"
        "  language sql security definer set search_path = '' as $$\n"
        "  select * from public.notes where owner_id = p_user_id $$;\n"
    )
    report = _probe(stage({}, {"20240101000000_notes.sql": sql}))
    by_line = {f.line: f for f in report.findings}
    assert by_line[11].title.startswith("View shows other users' rows"), by_line
    assert by_line[12].title.startswith("Function exposes other users' data")
    assert "public.notes" in by_line[12].message


def test_write_into_another_users_storage_folder() -> None:
    sql = (
        "insert into storage.buckets (id, name) values ('inbox', 'inbox');\n"
        'create policy "read own" on storage.objects for select to authenticated\n'
        "  using (bucket_id = 'inbox'\n"
        "    and (storage.foldername(name))[1] = (select auth.uid())::text);\n"
        'create policy "upload" on storage.objects for insert to authenticated\n'
        "  with check (bucket_id = 'inbox' and owner_id = (select auth.uid())::text);\n"
    )
    report = _probe(stage({}, {"20240101000000_inbox.sql": sql}))
    assert [(f.line, f.severity) for f in report.findings] == [(5, Severity.CRITICAL)]
    assert "user A now sees the row" in report.findings[0].message
    assert "storage bucket inbox" in report.probed


def test_not_probed_tables_are_listed_with_the_reason() -> None:
    sql = NOTES + "create table public.open_table (id int primary key);\n"
    out = stage({}, {"20240101000000_notes.sql": sql})
    report = _probe(out)
    assert "RLS is off" in report.not_probed["public.open_table"]
    assert "1 not probed" in report.coverage_line()
    assert any("not probed: public.open_table" in n for n in out.probe_notes())


def test_probe_runs_only_when_every_pr_migration_applied() -> None:
    out = stage({}, {"20240101000000_notes.sql": NOTES + "select 1/0;\n"})
    assert out.probes and out.probes[0].status == "not run"
    assert "did not apply" in (out.probe_line() or "")


def test_proven_leak_merges_into_the_rule_finding_on_the_same_policy() -> None:
    path = MIG + "20240101000000_notes.sql"
    rule = Finding(
        specialist="rls_security",
        severity=Severity.HIGH,
        path=path,
        line=10,
        title="Some rule",
        rule="RLS099",
        message="The rule's message.",
        evidence="policy text",
    )
    other = rule.model_copy(update={"line": 30, "title": "Elsewhere"})
    leak = Finding(
        specialist="rls_security",
        severity=Severity.CRITICAL,
        path=path,
        line=9,
        end_line=11,
        title="Another user can read these rows (proven on a real database)",
        rule=DB_PROBE,
        source="database",
        message="Proven on a real database: as authenticated user B, it returned 3 of A's 3 rows.",
        reproduction="psql …",
    )
    outcome = DatabaseOutcome(status="ran", probes=[ProbeReport(status="ran", findings=[leak])])
    merged = merge_with_measurements([rule, other], outcome)
    assert len(merged.findings) == 2 and merged.confirmed == 1
    first = merged.findings[0]
    assert first.rule == "RLS099" and first.severity is Severity.CRITICAL
    assert first.fingerprint == rule.fingerprint
    assert "Confirmed on a real database: as authenticated user B" in first.message
    assert first.reproduction == "psql …"
    alone = merge_with_measurements([other], outcome)
    assert [f.rule for f in alone.findings] == ["RLS099", DB_PROBE]


def test_reproduction_is_one_shell_line_that_survives_quotes() -> None:
    actor = Actor("anon", "anon", {"role": "anon"}, None)
    line = reproduction(actor, "select * from \"public\".\"t\" where name = 'it''s $HOME'")
    assert "\n" not in line
    assert '\\"public\\"' in line and "\\$HOME" in line


def test_user_metadata_any_user_can_set_is_forged_before_reading() -> None:
    sql = NOTES + (
        'create policy "support reads" on public.notes for select to authenticated\n'
        "  using (((select auth.jwt()) -> 'user_metadata' ->> 'role') = 'support');\n"
    )
    report = _probe(stage({}, {"20240101000000_notes.sql": sql}))
    assert [f.line for f in report.findings] == [10], [f.message for f in report.findings]
    assert "user_metadata set to what the policies compare it with" in report.findings[0].message
    assert '"user_metadata":{' in (report.findings[0].reproduction or "").replace('\\"', '"')
