"""Surface forms found by writing unseen-style cases (tests/cases/gen-rls-*): one test
per rule change, each with the near miss that must stay quiet."""

from __future__ import annotations

from agents.findings import Finding
from agents.rls_security.agent import run_rules
from agents.sql.parse import parse_sql
from agents.sql.replay import builtin_catalog, replay
from tests.helpers.workspace import workspace_from_trees

BASE = "supabase/migrations/20240101000000_base.sql"
MIG = "supabase/migrations/20240601000000_pr.sql"
NOTES = (
    "create table public.notes (id bigint primary key,"
    " owner_id uuid not null references auth.users (id), title text, body text);\n"
    "alter table public.notes enable row level security;\n"
)
OWNER_READS = (
    "create policy own on public.notes for select to authenticated\n"
    "  using (owner_id = (select auth.uid()));\n"
)
PROFILES = (
    "create table public.profiles (id uuid primary key references auth.users (id),"
    " username text, role text not null default 'member', credits int not null default 0,"
    " updated_at timestamptz);\n"
    "alter table public.profiles enable row level security;\n"
)


def findings(head_sql: str, base_sql: str = "") -> list[Finding]:
    ws = workspace_from_trees({BASE: base_sql} if base_sql else {}, {MIG: head_sql})
    out = run_rules(ws.files, ws)
    assert not [n for n in out.notes if "failed" in n], out.notes
    return [f for f in out.findings if f.severity.value != "info"]


def rules_and_severities(found: list[Finding]) -> list[tuple[str, str]]:
    return [(f.rule or "", f.severity.value) for f in found]


# -- RLS010: user_metadata ----------------------------------------------------------------


def test_boolean_permission_helper_reading_raw_user_meta_data_is_flagged() -> None:
    sql = (
        "create function public.is_billing_admin() returns boolean language sql stable\n"
        "security definer set search_path = '' as $$\n"
        "  select coalesce((select (u.raw_user_meta_data ->> 'billing_admin')::boolean\n"
        "  from auth.users u where u.id = (select auth.uid())), false);\n$$;\n"
    )
    found = findings(sql)
    assert [(f.rule, f.line) for f in found] == [("RLS010", 1)]


def test_policy_helper_returning_a_metadata_value_is_flagged() -> None:
    sql = (
        "create function public.my_team() returns text language sql stable\n"
        "set search_path = '' as $$ select auth.jwt() -> 'user_metadata' ->> 'team' $$;\n"
        "create policy p on public.notes for select to authenticated\n"
        "  using (title = public.my_team());\n"
    )
    assert "RLS010" in [f.rule for f in findings(sql, NOTES)]


def test_signup_trigger_copying_metadata_is_not_flagged() -> None:
    sql = (
        "create function public.handle_new_user() returns trigger language plpgsql\n"
        "security definer set search_path = '' as $$\nbegin\n"
        "  insert into public.profiles (id, username)\n"
        "  values (new.id, new.raw_user_meta_data ->> 'username');\n  return new;\nend;\n$$;\n"
        "create trigger on_auth_user_created after insert on auth.users\n"
        "  for each row execute function public.handle_new_user();\n"
    )
    assert "RLS010" not in [f.rule for f in findings(sql, PROFILES)]


def test_json_path_literal_into_user_metadata_is_flagged_app_metadata_is_not() -> None:
    bad = (
        "create policy p on public.notes for select to authenticated\n"
        "  using ((auth.jwt() #>> '{user_metadata,team}') = title);\n"
    )
    good = bad.replace("user_metadata", "app_metadata")
    assert "RLS010" in [f.rule for f in findings(bad, NOTES)]
    assert "RLS010" not in [f.rule for f in findings(good, NOTES)]


# -- RLS011 / RLS005 / RLS008: caller-independent policies ------------------------------


def test_uid_is_not_null_alone_is_a_role_only_guard() -> None:
    sql = (
        "create policy p on public.notes for select to authenticated\n"
        "  using ((select auth.uid()) is not null);\n"
    )
    # critical when it opens rows another policy keeps private to their owner
    assert rules_and_severities(findings(sql, NOTES + OWNER_READS)) == [("RLS011", "critical")]
    assert rules_and_severities(findings(sql, NOTES)) == [("RLS011", "high")]


def test_role_only_read_stated_as_public_is_left_alone() -> None:
    sql = (
        "-- Posts are public to every member of the community.\n"
        "create policy p on public.notes for select to authenticated\n"
        "  using (auth.uid() is not null);\n"
    )
    assert findings(sql, NOTES) == []


def test_uid_is_not_null_with_an_owner_check_is_fine() -> None:
    sql = (
        "create policy p on public.notes for select to authenticated\n"
        "  using (auth.uid() is not null and owner_id = (select auth.uid()));\n"
    )
    assert findings(sql, NOTES) == []


def test_role_only_read_of_per_tenant_rows_without_private_content_stays_high() -> None:
    base = (
        "create table public.projects (id bigint primary key, org_id uuid, name text);\n"
        "alter table public.projects enable row level security;\n"
    )
    sql = (
        "create policy p on public.projects for select to authenticated\n"
        "  using (auth.role() = 'authenticated');\n"
    )
    assert rules_and_severities(findings(sql, base)) == [("RLS011", "high")]


def test_role_only_update_is_not_also_reported_as_self_update() -> None:
    sql = (
        "create policy p on public.profiles for update to authenticated\n"
        "  using ((select auth.uid()) is not null);\n"
    )
    assert [f.rule for f in findings(sql, PROFILES)] == ["RLS011"]


def test_always_true_read_of_owner_scoped_rows_by_signed_in_users_is_critical() -> None:
    sql = "create policy p on public.notes for select to authenticated using (true);\n"
    assert rules_and_severities(findings(sql, NOTES + OWNER_READS)) == [("RLS005", "critical")]
    assert rules_and_severities(findings(sql, NOTES)) == [("RLS005", "high")]


# -- RLS008: self-update ------------------------------------------------------------------


SELF_UPDATE = (
    "create policy own on public.profiles for update to authenticated\n"
    "  using (id = (select auth.uid()));\n"
)


def test_updated_at_trigger_is_not_a_guard_and_credits_make_it_critical() -> None:
    sql = (
        "create function public.touch() returns trigger language plpgsql\n"
        "set search_path = '' as $$ begin new.updated_at := now(); return new; end $$;\n"
        "create trigger touch before update on public.profiles\n"
        "  for each row execute function public.touch();\n" + SELF_UPDATE
    )
    assert rules_and_severities(findings(sql, PROFILES)) == [("RLS008", "critical")]


def test_moddatetime_trigger_is_not_a_guard() -> None:
    sql = (
        "create trigger touch before update on public.profiles\n"
        "  for each row execute procedure extensions.moddatetime(updated_at);\n" + SELF_UPDATE
    )
    assert [f.rule for f in findings(sql, PROFILES)] == ["RLS008"]


def test_trigger_naming_the_privileged_columns_guards_them() -> None:
    sql = (
        "create function public.guard() returns trigger language plpgsql\n"
        "set search_path = '' as $$ begin new.role := old.role; new.credits := old.credits;\n"
        "return new; end $$;\n"
        "create trigger guard before update on public.profiles\n"
        "  for each row execute function public.guard();\n" + SELF_UPDATE
    )
    assert findings(sql, PROFILES) == []


def test_policy_created_then_altered_is_reported_once() -> None:
    sql = SELF_UPDATE + (
        "alter policy own on public.profiles with check (id = (select auth.uid()));\n"
    )
    assert [f.rule for f in findings(sql, PROFILES)] == ["RLS008"]


# -- RLS016 / RLS013: reads that bypass RLS ----------------------------------------------


def test_definer_rpc_returning_rows_of_a_user_parameter_is_critical() -> None:
    sql = (
        "create function public.notes_of(p_user_id uuid) returns setof public.notes\n"
        "language sql stable security definer set search_path = '' as $$\n"
        "  select * from public.notes n where n.owner_id = p_user_id;\n$$;\n"
    )
    assert rules_and_severities(findings(sql, NOTES)) == [("RLS016", "critical")]


def test_auth_users_view_severity_depends_on_the_columns() -> None:
    emails = "create view public.directory as select id, email from auth.users;\n"
    ids = "create view public.directory as select id from auth.users;\n"
    assert rules_and_severities(findings(emails)) == [("RLS013", "critical")]
    assert rules_and_severities(findings(ids)) == [("RLS013", "high")]


# -- storage ------------------------------------------------------------------------------


def test_bucket_check_plus_signed_in_check_is_still_bucket_only() -> None:
    sql = (
        "create policy s on storage.objects for select to authenticated\n"
        "  using (bucket_id = 'contracts' and auth.role() = 'authenticated');\n"
    )
    assert rules_and_severities(findings(sql)) == [("RLS020", "high")]


def test_bucket_only_delete_is_one_critical_finding() -> None:
    sql = (
        "create policy s on storage.objects for delete to authenticated\n"
        "  using (bucket_id = 'contracts');\n"
    )
    assert rules_and_severities(findings(sql)) == [("RLS020", "critical")]


def test_folder_scoped_storage_policy_is_fine() -> None:
    sql = (
        "create policy s on storage.objects for select to authenticated\n"
        "  using (bucket_id = 'contracts'"
        " and (storage.foldername(name))[1] = (select auth.uid())::text);\n"
    )
    assert findings(sql) == []


def test_update_making_an_unmodelled_bucket_public() -> None:
    cat = builtin_catalog()
    replay(cat, parse_sql("m.sql", "update storage.buckets set public = true where id = 'docs';"))
    assert cat.buckets["docs"].public
    sql = "update storage.buckets set public = true where id = 'invoices';\n"
    assert [f.rule for f in findings(sql)] == ["RLS019"]


# -- RLS001: base tables without RLS ------------------------------------------------------

NO_RLS = (
    "create table public.orders (id bigint primary key,"
    " user_id uuid not null references auth.users (id), total int);\n"
)


def test_columns_added_to_a_base_table_without_rls() -> None:
    found = findings("alter table public.orders add column shipping_address text;\n", NO_RLS)
    assert rules_and_severities(found) == [("RLS001", "critical")]


def test_policies_on_a_base_table_without_rls_are_reported_once_by_rls003() -> None:
    sql = (
        "alter table public.orders add column note text;\n"
        "create policy p on public.orders for select to authenticated\n"
        "  using (user_id = (select auth.uid()));\n"
    )
    assert [f.rule for f in findings(sql, NO_RLS)] == ["RLS003"]


def test_columns_added_to_a_base_table_with_rls_enabled_in_the_pr_are_fine() -> None:
    sql = (
        "alter table public.orders add column note text;\n"
        "alter table public.orders enable row level security;\n"
    )
    assert "RLS001" not in [f.rule for f in findings(sql, NO_RLS)]


# -- RLS009: null uid in plpgsql ----------------------------------------------------------

ORDERS = (
    "create table public.orders (id uuid primary key,"
    " user_id uuid not null references auth.users (id), total int);\n"
    "alter table public.orders enable row level security;\n"
)


def _del_order(declare: str, guard: str) -> str:
    return (
        "create function public.del_order(p_id uuid) returns void language plpgsql\n"
        "security definer set search_path = '' as $$\n"
        f"declare {declare} v_owner uuid;\n"
        "begin\n"
        "  select o.user_id into v_owner from public.orders o where o.id = p_id;\n"
        f"{guard}"
        "end $$;\n"
    )


RAISE_THEN_DELETE = (
    "  if {cond} then\n    raise exception 'forbidden';\n  end if;\n"
    "  delete from public.orders where id = p_id;\n"
)


def test_guard_on_a_variable_holding_the_uid_that_anon_skips() -> None:
    sql = _del_order(
        "v_uid uuid := auth.uid();",
        RAISE_THEN_DELETE.format(cond="v_uid is not null and v_uid <> v_owner"),
    )
    found = findings(sql, ORDERS)
    assert [(f.rule, f.line) for f in found] == [("RLS009", 6)]


def test_raise_when_the_uid_is_null_or_not_the_owner_is_correct() -> None:
    for cond in (
        "v_uid is null or v_uid <> v_owner",
        "auth.uid() is null or auth.uid() <> v_owner",
    ):
        sql = _del_order("v_uid uuid := (select auth.uid());", RAISE_THEN_DELETE.format(cond=cond))
        assert findings(sql, ORDERS) == [], cond


def test_doing_the_work_when_the_uid_is_null_is_a_bypass() -> None:
    guard = (
        "  if v_uid is null or v_uid = v_owner then\n"
        "    delete from public.orders where id = p_id;\n  end if;\n"
    )
    found = findings(_del_order("v_uid uuid := auth.uid();", guard), ORDERS)
    assert [f.rule for f in found] == ["RLS009"]


def test_doing_the_work_only_for_a_signed_in_owner_is_fine() -> None:
    guard = (
        "  if v_uid is not null and v_uid = v_owner then\n"
        "    delete from public.orders where id = p_id;\n  end if;\n"
    )
    assert findings(_del_order("v_uid uuid := auth.uid();", guard), ORDERS) == []


def test_update_policy_gated_by_server_assigned_role_is_not_a_self_update() -> None:
    """Billing staff (``app_metadata`` role, which users cannot write) editing an
    invoice's ``status`` is the design; the same policy without the gate is a hole."""
    from agents.rls_security.rules.self_update_privileged_columns import is_server_role_gate
    from agents.sql.ast import conjuncts
    from agents.sql.parse import parse_sql

    def where(expr: str) -> object:
        parsed = parse_sql("x.sql", f"select 1 where {expr}")
        return parsed.statements[0].node["whereClause"]

    gate = "(select auth.jwt() -> 'app_metadata' ->> 'org_role') in ('owner', 'billing')"
    assert any(is_server_role_gate(c) for c in conjuncts(where(f"org_id = x and {gate}")))
    assert not is_server_role_gate(
        where("(select auth.jwt() -> 'app_metadata' ->> 'org_role') not in ('guest')")
    )
    assert not is_server_role_gate(
        where("(select auth.jwt() -> 'user_metadata' ->> 'role') = 'admin'")
    )
