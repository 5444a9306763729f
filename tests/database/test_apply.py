"""Applying migrations as the Supabase CLI does: failures pinned to a line, classified honestly."""

from __future__ import annotations

import pytest

from agents.database.findings import DB_FAILS, DB_UNVERIFIED
from agents.database.stage import DatabaseOutcome, DatabaseSettings
from agents.findings import Finding, Severity
from tests.database.helpers import MIG, stage

BASE = {
    "20240101000000_init.sql": (
        "create table public.orders (\n  id bigint primary key,\n  status text,\n  amount int\n);\n"
        "create type public.order_state as enum ('new', 'paid');\n"
    )
}


def _one_failure(head: dict[str, str | None]) -> tuple[DatabaseOutcome, Finding]:
    out = stage(BASE, head)
    assert out.status == "ran", out.reason
    fails = [f for f in out.findings if f.rule in (DB_FAILS, DB_UNVERIFIED)]
    assert len(fails) == 1, out.findings
    return out, fails[0]


def test_clean_history_and_pr_apply() -> None:
    out = stage(
        BASE, {"20261201000000_add.sql": "alter table public.orders add column note text;\n"}
    )
    assert out.status == "ran"
    assert out.findings == []
    assert (out.applied, out.total) == (2, 2)
    assert "applied 2 of 2 migrations (1 of 1 from this PR)" in out.coverage_line()


def test_missing_column_is_a_high_deploy_failure_at_its_line() -> None:
    sql = (
        "alter table public.orders add column note text;\n\nupdate public.orders\n  set totl = 0;\n"
    )
    _, f = _one_failure({"20261201000000_fix.sql": sql})
    assert f.rule == DB_FAILS and f.severity is Severity.HIGH and f.source == "database"
    assert (f.path, f.line) == (MIG + "20261201000000_fix.sql", 4)
    assert "42703" in (f.evidence or "") and 'column "totl"' in (f.evidence or "")


def test_enum_value_used_in_the_transaction_that_adds_it() -> None:
    sql = (
        "alter type public.order_state add value 'refunded';\n"
        "update public.orders set status = 'x' where 'refunded'::public.order_state is not null;\n"
    )
    _, f = _one_failure({"20261201000000_enum.sql": sql})
    assert f.rule == DB_FAILS and f.line == 2 and "55P04" in (f.evidence or "")


def test_wrong_order_of_files_fails_where_the_table_is_missing() -> None:
    head: dict[str, str | None] = {
        "20261201000000_index.sql": "create index on public.invoices (order_id);\n",
        "20261202000000_table.sql": "create table public.invoices (id int, order_id bigint);\n",
    }
    out, f = _one_failure(head)
    assert f.rule == DB_FAILS and f.path.endswith("20261201000000_index.sql")
    assert any("not applied" in n for n in out.notes)  # db push stops at the first failure


def test_typo_that_still_parses() -> None:
    _, f = _one_failure({"20261201000000_typo.sql": "alter table public.order add column x int;\n"})
    assert f.rule == DB_FAILS and '"public.order" does not exist' in (f.evidence or "")


def test_storage_objects_alter_fails_as_on_supabase() -> None:
    sql = "alter table storage.objects enable row level security;\n"
    _, f = _one_failure({"20261201000000_storage.sql": sql})
    assert f.rule == DB_FAILS and "must be owner of table objects" in (f.evidence or "")


def test_storage_policy_applies_like_supautils_allows() -> None:
    sql = (
        'create policy "own folder" on storage.objects for select to authenticated\n'
        "  using ((storage.foldername(name))[1] = auth.uid()::text);\n"
    )
    out = stage(BASE, {"20261201000000_policy.sql": sql})
    assert out.findings == [] and out.applied == 2


def test_concurrently_runs_outside_the_transaction_as_the_cli_does() -> None:
    sql = (
        "alter table public.orders add column paid_at timestamptz;\n"
        "create index concurrently orders_paid_at on public.orders (paid_at);\n"
    )
    out = stage(BASE, {"20261201000000_cic.sql": sql})
    assert out.findings == [], out.findings


def test_seed_sql_is_never_applied() -> None:
    out = stage(
        BASE, {"20261201000000_a.sql": "select 1;\n"}, extra={"supabase/seed.sql": "select 1/0;"}
    )
    assert out.findings == [] and out.total == 2


def test_stub_caused_failure_is_could_not_verify() -> None:
    sql = "create extension if not exists http with schema extensions;\nselect extensions.http_get('https://example.com');\n"
    _, f = _one_failure({"20261201000000_http.sql": sql})
    assert f.rule == DB_UNVERIFIED and f.severity is Severity.INFO and f.line == 2


def test_extension_the_server_lacks_is_could_not_verify() -> None:
    out, f = _one_failure(
        {"20261201000000_gis.sql": "create extension postgis with schema extensions;\n"}
    )
    assert f.rule == DB_UNVERIFIED
    assert out.unverified and "not available" in out.unverified[0]


def test_unmodelled_platform_object_is_could_not_verify() -> None:
    sql = "create policy p on auth.mfa_factors for select using (true);\n"
    _, f = _one_failure({"20261201000000_mfa.sql": sql})
    assert f.rule == DB_UNVERIFIED


def test_failure_after_an_unverified_migration_is_not_claimed() -> None:
    head: dict[str, str | None] = {
        "20261201000000_gis.sql": (
            "create extension postgis;\ncreate table public.places (id int, geom geometry);\n"
        ),
        "20261202000000_idx.sql": "create index on public.places using gist (geom);\n",
    }
    out = stage(BASE, head)
    # one "could not verify" finding for the first file; the consequence is a note
    [f] = out.findings
    assert f.rule == DB_UNVERIFIED and f.path.endswith("20261201000000_gis.sql")
    assert list(dict.fromkeys(u.split(":")[0].rsplit("/", 1)[-1] for u in out.unverified)) == [
        "20261201000000_gis.sql",
        "20261202000000_idx.sql",
    ]
    assert any("1 later migration(s)" in n and "gis.sql" in n for n in out.notes)


def test_base_failure_is_a_note_and_the_stage_goes_on() -> None:
    base = {**BASE, "20240102000000_broken.sql": "alter table public.nope add column x int;\n"}
    out = stage(base, {"20261201000000_ok.sql": "alter table public.orders add column y int;\n"})
    assert out.status == "ran" and out.findings == []
    assert any("20240102000000_broken.sql did not apply" in n for n in out.notes)


def test_off_and_no_migration_do_not_start_a_server() -> None:
    off = stage(BASE, {"20261201000000_a.sql": "select 1;\n"}, DatabaseSettings(mode="off"))
    assert (off.status, off.reason) == ("skipped", "database: off")
    none = stage(BASE, {})
    assert none.status == "skipped" and none.reason == "no migration changed"


@pytest.mark.parametrize("kind", ["system"])
def test_system_server_when_configured(kind: str) -> None:
    from agents.database.server import system_bindir

    if system_bindir() is None:
        pytest.skip("no system pg_ctl on PATH")
    out = stage(
        BASE,
        {"20261201000000_a.sql": "alter table public.orders add column z int;\n"},
        DatabaseSettings(server="system"),
    )
    assert out.status == "ran" and "(system)" in out.reason and out.findings == []


def test_a_failure_inside_a_run_of_batched_statements_is_pinned_to_its_line() -> None:
    # comments and grants are not measured: the four travel as one query, the third fails
    sql = (
        "comment on table public.orders is 'first';\n"
        "comment on column public.orders.status is 'second';\n"
        "comment on table public.nope is 'third';\n"
        "grant select on public.orders to authenticated;\n"
    )
    out, f = _one_failure({"20261201000000_batch.sql": sql})
    assert f.rule == DB_FAILS and f.line == 3 and "42P01" in (f.evidence or "")
    assert out.projects[0].pr_applied == 0  # the whole file rolled back, as db push does


def test_a_base_migration_failing_mid_file_is_noted_at_its_line() -> None:
    base = {
        **BASE,
        "20240201000000_more.sql": (
            "create table public.c (id int);\nselect 1/0;\ncreate table public.d (id int);\n"
        ),
    }
    out = stage(base, {"20261201000000_add.sql": "create table public.e (id int);\n"})
    assert [n for n in out.notes if "20240201000000_more.sql did not apply" in n] == [
        f"base migration {MIG}20240201000000_more.sql did not apply (line 2: 22012 division by "
        "zero); the review went on with what applied"
    ]


def test_statements_ending_in_a_line_comment_still_apply_together() -> None:
    sql = "create table public.f (id int) -- first\n;\ncreate table public.g (id int) -- last"
    out = stage(BASE, {"20261201000000_comments.sql": sql})
    assert out.findings == [] and out.projects[0].pr_applied == 1


def test_a_missing_table_in_a_projects_first_migration_is_not_claimed_as_a_failure() -> None:
    # quivr's first migration altered a `users` table its setup script had made: the
    # review cannot know what a database without migration history already holds
    out = stage({}, {"20230606131110_add_email.sql": "alter table users add column email text;\n"})
    [f] = [f for f in out.findings if f.rule in (DB_FAILS, DB_UNVERIFIED)]
    assert f.rule == DB_UNVERIFIED and f.severity is Severity.INFO
    assert "no migrations before this PR" in f.message
    # with a history, the same error is a deploy failure (the table should be there)
    _, f = _one_failure({"20261201000000_add.sql": "alter table users add column email text;\n"})
    assert f.rule == DB_FAILS


def test_platform_trigger_statement_after_the_files_own_commit() -> None:
    # a file that commits itself (begin; …; commit;) leaves no transaction open: dropping
    # or creating a trigger on auth.users still goes through supautils' grants
    base = {
        **BASE,
        "20240102000000_hook.sql": (
            "create function public.f() returns trigger language plpgsql as\n"
            "  $$begin return new; end$$;\n"
            "create trigger on_signup after insert on auth.users\n"
            "  for each row execute function public.f();\n"
        ),
    }
    head: dict[str, str | None] = {
        "20261201000000_t.sql": (
            "begin;\nalter table public.orders add column y int;\ncommit;\n"
            "drop trigger on_signup on auth.users;\n"
            "create trigger on_signup_v2 after insert on auth.users\n"
            "  for each row execute function public.f();\n"
        )
    }
    out = stage(base, head)
    assert out.findings == [] and out.unverified == []


def test_platform_policy_naming_a_private_schema_function_applies_and_lends_nothing() -> None:
    # supautils creates it as a superuser: a helper in a schema the storage owner cannot
    # see is no reason to doubt the migration, and the stand-in leaves no grant behind
    head: dict[str, str | None] = {
        "20261201000000_files.sql": (
            "create schema private;\n"
            "create function private.uuid_or_null(s text) returns uuid language sql\n"
            "  as $$ select null::uuid $$;\n"
            'create policy "own files" on storage.objects for select to authenticated\n'
            "  using (private.uuid_or_null(name) = (select auth.uid()));\n"
            "do $$ begin\n"
            "  if has_schema_privilege('supabase_storage_admin', 'private', 'USAGE') then\n"
            "    raise exception 'usage on private was left granted';\n"
            "  end if;\n"
            "end $$;\n"
        )
    }
    out = stage(BASE, head)
    assert out.findings == [] and out.unverified == []


def test_an_extension_the_server_lacks_costs_only_its_own_statements() -> None:
    # an init migration that also creates `wrappers` (and its foreign-data wrapper) and
    # `pgjwt` still lays its tables: the PR on top of them is applied and judged
    base = {
        "20240101000000_init.sql": (
            "create extension if not exists wrappers with schema extensions;\n"
            "create foreign data wrapper stripe_wrapper handler stripe_fdw_handler\n"
            "  validator stripe_fdw_validator;\n"
            "create extension if not exists pgjwt with schema extensions;\n"
            + BASE["20240101000000_init.sql"]
        )
    }
    head: dict[str, str | None] = {
        "20261201000000_note.sql": "alter table public.orders add column note text;\n",
        "20261202000000_token.sql": "select extensions.sign('{}'::json, 'secret');\n",
    }
    out = stage(base, head)
    assert any("applied without 3 statement(s)" in n and "wrappers" in n for n in out.notes)
    assert not any("did not apply" in n for n in out.notes)
    # a PR failure on what the missing extension provides is not claimed as a deploy failure
    [f] = out.findings
    assert f.rule == DB_UNVERIFIED and f.path.endswith("20261202000000_token.sql")
    assert "wrappers, pgjwt" in f.message


def test_a_table_statement_is_never_left_out() -> None:
    base = {
        "20240101000000_init.sql": (
            "create extension if not exists pgjwt with schema extensions;\n"
            "create table public.tokens (id int default extensions.nope());\n"
            + BASE["20240101000000_init.sql"]
        )
    }
    out = stage(base, {"20261201000000_x.sql": "alter table public.orders add column y int;\n"})
    assert any("20240101000000_init.sql did not apply" in n for n in out.notes)


def test_trigger_on_auth_users_calling_a_function_public_cannot_execute() -> None:
    # supautils creates the trigger as a superuser: a function whose EXECUTE was revoked
    # from PUBLIC is still a valid trigger function, and no grant is left behind
    head: dict[str, str | None] = {
        "20261201000000_signup.sql": (
            "create function public.on_signup() returns trigger language plpgsql\n"
            "  security definer set search_path = '' as $$ begin return new; end $$;\n"
            "revoke execute on function public.on_signup() from public;\n"
            "create trigger on_signup after insert on auth.users\n"
            "  for each row execute function public.on_signup();\n"
            "do $$ begin\n"
            "  if has_function_privilege('supabase_auth_admin', 'public.on_signup()', 'EXECUTE')\n"
            "  then raise exception 'execute was left granted'; end if;\n"
            "end $$;\n"
        )
    }
    out = stage(BASE, head)
    assert out.findings == [] and out.unverified == []


def test_a_pr_extension_the_server_lacks_is_one_info_and_the_rest_applies() -> None:
    head: dict[str, str | None] = {
        "20261201000000_stripe.sql": (
            "create extension if not exists wrappers with schema extensions;\n"
            "do $$ begin create foreign data wrapper stripe_wrapper\n"
            "  handler stripe_fdw_handler validator stripe_fdw_validator; end $$;\n"
            "create table public.invoices (id bigint primary key);\n"
        ),
        "20261202000000_more.sql": "alter table public.invoices add column total int;\n",
    }
    out = stage(BASE, head)
    [f] = out.findings
    assert f.rule == DB_UNVERIFIED and f.line == 1
    assert "applied the rest of the file without it" in f.message
    assert not any("did not apply" in n or "not applied" in n for n in out.notes)
