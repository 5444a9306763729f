"""The rls_security agent: syntax errors, suppression, history, precision regressions."""

from __future__ import annotations

from agents.rls_security.agent import run_rules
from agents.specialist import RuleOutcome
from tests.helpers.workspace import workspace_from_trees

MIG = "supabase/migrations/20240601000000_pr.sql"
OWNED = (
    "create table public.notes (id bigint primary key,"
    " user_id uuid not null references auth.users (id), body text);\n"
    "alter table public.notes enable row level security;\n"
)


def review(base: dict[str, str], head: dict[str, str | None]) -> RuleOutcome:
    ws = workspace_from_trees(base, head)
    outcome = run_rules(ws.files, ws)
    assert not [n for n in outcome.notes if "failed" in n], outcome.notes
    return outcome


def codes(outcome: RuleOutcome) -> list[str]:
    return [f.rule or "" for f in outcome.findings if f.severity.value != "info"]


def test_syntax_error_is_one_high_finding_marks_incomplete_and_others_go_on() -> None:
    out = review(
        {},
        {
            MIG: "create table x (,;\n",
            "supabase/migrations/2_ok.sql": "create table public.t (id int);\n",
        },
    )
    syntax = [f for f in out.findings if f.rule == "SQL001"]
    assert len(syntax) == 1 and syntax[0].severity.value == "high" and syntax[0].line == 1
    assert "syntax error" in syntax[0].message
    assert out.incomplete and MIG in out.incomplete[0]
    assert "RLS001" in codes(out)


def test_syntax_error_in_seed_data_is_medium() -> None:
    out = review({}, {"supabase/seed.sql": "insert into t values (1,;\n"})
    syntax = [f for f in out.findings if f.rule == "SQL001"]
    assert [f.severity.value for f in syntax] == ["medium"]


def test_suppression_comment_moves_finding_aside() -> None:
    sql = (
        "-- architect-review: ignore RLS001 service-role only staging table\n"
        "create table public.t (id int);\n"
    )
    out = review({}, {MIG: sql})
    assert "RLS001" not in codes(out)
    assert out.suppressed and out.suppressed[0].reason == "service-role only staging table"


def test_untouched_history_is_not_reflagged() -> None:
    base = {"supabase/migrations/1_old.sql": "create table public.legacy (id int, user_id uuid);\n"}
    out = review(
        base,
        {
            MIG: (
                "create table public.fresh (id int);\n"
                "alter table public.fresh enable row level security;\n"
            )
        },
    )
    assert codes(out) == []


def test_rls_enabled_later_in_the_pr_is_fine() -> None:
    sql = "create table public.t (id int);\n\nalter table public.t enable row level security;\n"
    assert "RLS001" not in codes(review({}, {MIG: sql}))


def test_revoked_api_grants_make_table_not_exposed_yet() -> None:
    sql = "create table public.t (id int);\nrevoke all on public.t from anon, authenticated;\n"
    found = [f for f in review({}, {MIG: sql}).findings if f.rule == "RLS001"]
    assert [f.severity.value for f in found] == ["medium"]
    assert "not exposed today" in found[0].message


def test_policy_on_existing_table_uses_history() -> None:
    base = {"supabase/migrations/1_old.sql": OWNED}
    sql = 'create policy "all" on public.notes for delete to authenticated\n  using (true);\n'
    out = review(base, {MIG: sql})
    hit = [f for f in out.findings if f.rule == "RLS005"]
    assert hit and hit[0].severity.value == "critical" and hit[0].line == 2


def test_reference_data_select_true_is_not_flagged() -> None:
    sql = (
        "create table public.plans (id int primary key, name text, price_cents int);\n"
        "alter table public.plans enable row level security;\n"
        'create policy "read" on public.plans for select to anon, authenticated using (true);\n'
    )
    assert codes(review({}, {MIG: sql})) == []


def test_definer_function_with_auth_check_is_not_flagged() -> None:
    sql = (
        OWNED + "create function public.clear_notes() returns void language sql security definer\n"
        "set search_path = '' as $$ delete from public.notes where user_id = (select "
        "auth.uid()) $$;\n"
    )
    assert codes(review({}, {MIG: sql})) == []


def test_secret_in_front_end_code() -> None:
    jwt = (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
        "eyJpc3MiOiJzdXBhYmFzZSIsInJvbGUiOiJzZXJ2aWNlX3JvbGUifQ.c2lnbmF0dXJlc2lnbmF0dXJl"
    )
    out = review({}, {"src/lib/admin.ts": f"export const key = '{jwt}';\n"})
    assert [(f.rule, f.line, f.severity.value) for f in out.findings] == [("RLS021", 1, "critical")]


def test_local_connection_string_is_not_a_secret() -> None:
    sql = "-- postgresql://postgres:postgres@127.0.0.1:54322/postgres\nselect 1;\n"
    assert codes(review({}, {MIG: sql})) == []


def test_declared_public_profiles_are_not_flagged_but_emails_are() -> None:
    profiles = (
        "create table public.profiles (id uuid primary key references auth.users (id),"
        " username text, avatar_url text{extra});\n"
        "alter table public.profiles enable row level security;\n"
        'create policy "Public profiles are viewable by everyone." on public.profiles\n'
        "  for select using (true);\n"
    )
    assert codes(review({}, {MIG: profiles.format(extra="")})) == []
    assert codes(review({}, {MIG: profiles.format(extra=", email text")})) == ["RLS005"]


def test_definer_writing_rows_of_a_user_parameter_without_comparing_it() -> None:
    fn = (
        OWNED + "create function public.wipe(p_user_id uuid) returns void language plpgsql\n"
        "security definer set search_path = '' as $$\n"
        "begin\n"
        "  if (select auth.uid()) is null then raise exception 'sign in'; end if;\n"
        "  delete from public.notes where user_id = p_user_id;\n"
        "end $$;\n"
    )
    assert codes(review({}, {MIG: fn})) == ["RLS016"]
    checked = fn.replace(
        "  delete from",
        "  if p_user_id <> (select auth.uid()) then raise exception 'no'; end if;\n  delete from",
    )
    assert codes(review({}, {MIG: checked})) == []


def test_uncorrelated_in_subquery() -> None:
    schema = (
        "create table public.projects (id uuid primary key, name text, owner_id uuid);\n"
        "alter table public.projects enable row level security;\n"
        "create table public.project_members (project_id uuid references public.projects (id),"
        " user_id uuid references auth.users (id));\n"
        "alter table public.project_members enable row level security;\n"
    )
    bad = (
        'create policy "members" on public.projects for select to authenticated\n'
        "  using ((select auth.uid()) in (select user_id from public.project_members));\n"
    )
    good = (
        'create policy "members" on public.projects for select to authenticated\n'
        "  using (id in (select project_id from public.project_members\n"
        "               where user_id = (select auth.uid())));\n"
    )
    assert "RLS023" in codes(review({}, {MIG: schema + bad}))
    assert "RLS023" not in codes(review({}, {MIG: schema + good}))


def test_public_insert_into_table_without_owner_is_a_contact_form() -> None:
    sql = (
        "create table public.contact_messages (id bigint primary key, email text, message text);\n"
        "alter table public.contact_messages enable row level security;\n"
        'create policy "anyone can write to us" on public.contact_messages\n'
        "  for insert to anon, authenticated with check (true);\n"
    )
    assert codes(review({}, {MIG: sql})) == []
    assert codes(
        review({}, {MIG: sql.replace("for insert", "for delete").replace("with check", "using")})
    ) == ["RLS005"]


def test_anyone_can_read_private_rows_is_still_flagged() -> None:
    policy = 'create policy "anyone can read notes" on public.notes\n  for select using (true);\n'
    sql = OWNED + policy
    assert codes(review({}, {MIG: sql})) == ["RLS005"]


def test_insert_check_ignoring_the_caller_lets_users_write_as_others() -> None:
    policy = (
        'create policy "add" on public.notes for insert to authenticated\n'
        "  with check (char_length(body) < 500);\n"
    )
    found = [(f.rule, f.severity.value) for f in review({}, {MIG: OWNED + policy}).findings]
    assert ("RLS005", "high") in found


def test_partial_file_from_a_diff_is_a_note_not_a_syntax_finding() -> None:
    from dataclasses import replace

    ws = workspace_from_trees({MIG: "create table a (id int);\n"}, {MIG: "create table a (\n"})
    ws.files = [replace(f, head_complete=False) for f in ws.files]
    out = run_rules(ws.files, ws)
    assert not out.findings and any("partial file" in n for n in out.notes)


def test_always_true_policy_for_all_is_one_finding_at_its_using_line() -> None:
    """Regression: USING (true) WITH CHECK (true) on one FOR ALL policy was reported
    twice (one per clause), which doubles the noise for a single mistake."""
    policy = (
        'create policy "orders are manageable"\n'
        "  on public.notes\n"
        "  for all\n"
        "  to authenticated\n"
        "  using (true)\n"
        "  with check (true);\n"
    )
    out = review({"supabase/migrations/20240101000000_notes.sql": OWNED}, {MIG: policy})
    found = [f for f in out.findings if f.rule == "RLS005"]
    assert [(f.line, f.severity.value) for f in found] == [(5, "critical")]
    assert "WITH CHECK has the same problem" in found[0].message


def _vault_reader(name: str, where: str) -> str:
    return (
        f"create function public.{name}(secret_name text) returns text\n"
        "language sql security definer set search_path = '' as $$\n"
        f"  select decrypted_secret from vault.decrypted_secrets where {where};\n$$;\n"
    )


def test_vault_reader_severity_follows_what_it_hands_out() -> None:
    any_secret = review({}, {MIG: _vault_reader("read_secret", "name = secret_name")})
    address = review({}, {MIG: _vault_reader("project_url", "name = 'project_url'")})
    revoked = review(
        {},
        {
            MIG: _vault_reader("read_secret", "name = secret_name")
            + "revoke execute on function public.read_secret(text) from public, anon, "
            "authenticated;\n"
        },
    )
    assert [f.severity.value for f in any_secret.findings if f.rule == "RLS028"] == ["critical"]
    assert [f.severity.value for f in address.findings if f.rule == "RLS028"] == ["medium"]
    assert "PUBLIC" in next(f.message for f in any_secret.findings if f.rule == "RLS028")
    assert not [f for f in revoked.findings if f.rule == "RLS028"]
