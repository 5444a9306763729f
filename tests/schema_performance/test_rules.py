"""Behaviour of the schema_performance rules on small PRs, judged against the schema before them.

Each test states a situation a reviewer meets (a table created earlier in the
same PR, a foreign key covered by a composite key, a binary-compatible type
change…) and what the specialist must (or must not) say about it.
"""

from __future__ import annotations

from agents.changes import ChangedFile, DictTree, FileStatus, Workspace
from agents.findings import Severity
from agents.schema_performance.agent import run_rules
from agents.specialist import RuleOutcome
from tests.helpers.workspace import workspace_from_trees

BASE = "supabase/migrations/20240101000000_base.sql"
HEAD = "supabase/migrations/20250101000000_change.sql"
HEAD2 = "supabase/migrations/20250101000100_change.sql"

ORDERS = """create table public.orders (
  id bigint generated always as identity primary key,
  customer_id uuid not null references auth.users (id),
  name varchar(40),
  amount numeric(10, 2) not null default 0,
  qty integer not null default 1,
  note text,
  placed_at timestamptz not null default now()
);
create index orders_customer_id_idx on public.orders (customer_id);
"""


def review(base: dict[str, str], head: dict[str, str | None]) -> RuleOutcome:
    ws = workspace_from_trees(base, head)
    return run_rules(ws.files, ws)


def codes(outcome: RuleOutcome, min_severity: Severity = Severity.LOW) -> list[tuple[str, int]]:
    return [
        (f.rule or "", f.line or 0) for f in outcome.findings if f.severity.at_least(min_severity)
    ]


# -- judged against the schema before the PR -------------------------------------------


def test_table_created_earlier_in_the_same_pr_is_empty_so_locking_rules_stay_quiet() -> None:
    out = review(
        {},
        {
            HEAD: "create table public.events (id bigint generated always as identity primary key,"
            " name text);\n",
            HEAD2: "create index events_name_idx on public.events (name);\n"
            "alter table public.events add column public_id uuid not null default "
            "gen_random_uuid();\n"
            "alter table public.events add column kind text not null;\n",
        },
    )
    assert codes(out) == []


def test_existing_table_gets_each_locking_finding_on_its_statement_line() -> None:
    head = (
        "create index orders_note_idx on public.orders (note);\n"  # 1
        "alter table public.orders\n"  # 2
        "  add column public_id uuid not null default gen_random_uuid();\n"  # 3
        "alter table public.orders add column kind text not null;\n"  # 4
    )
    out = review({BASE: ORDERS}, {HEAD: head})
    assert sorted(codes(out)) == [("MIG001", 1), ("MIG006", 3), ("MIG009", 4)]
    assert {f.rule: f.severity for f in out.findings}["MIG009"] == Severity.HIGH


def test_untouched_statements_of_an_edited_migration_are_history() -> None:
    old = ORDERS + "create index orders_note_idx on public.orders (note);\n"
    base = {BASE: ORDERS, HEAD: "create index orders_note_idx on public.orders (note);\n"}
    edited = base[HEAD] + "alter table public.orders add column kind text;\n"
    out = review(base, {HEAD: edited})
    assert "MIG001" not in [c for c, _ in codes(out)]
    assert old  # the base keeps its history


def test_seed_files_are_not_judged_as_migrations() -> None:
    out = review({BASE: ORDERS}, {"supabase/seed.sql": "truncate table public.orders cascade;\n"})
    assert codes(out) == []


# -- foreign keys and policy columns --------------------------------------------------------


def test_foreign_key_covered_by_a_leading_key_column_is_not_reported() -> None:
    head = """create table public.members (
  team_id uuid not null references public.teams (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  primary key (team_id, user_id)
);
"""
    out = review({}, {HEAD: head})
    # team_id leads the primary key; user_id is second, so it needs its own index
    assert codes(out) == [("PERF003", 3)]
    assert out.findings[0].severity == Severity.MEDIUM  # ON DELETE CASCADE


def test_foreign_key_indexed_in_a_later_migration_of_the_pr_is_covered() -> None:
    out = review(
        {},
        {
            HEAD: "create table public.notes (id bigint generated always as identity primary key,"
            "\n  owner_id uuid references auth.users (id) on delete set null);\n",
            HEAD2: "create index notes_owner_id_idx on public.notes (owner_id);\n",
        },
    )
    assert codes(out) == []


def test_unindexed_foreign_key_is_low_unless_a_policy_filters_on_it() -> None:
    table = """create table public.notes (
  id bigint generated always as identity primary key,
  owner_id uuid references auth.users (id) on delete set null
);
alter table public.notes enable row level security;
"""
    plain = review({}, {HEAD: table})
    assert [(f.rule, f.line, f.severity) for f in plain.findings] == [("PERF003", 3, Severity.LOW)]
    policy = table + (
        'create policy "own" on public.notes for select to authenticated\n'
        "  using (owner_id = (select auth.uid()));\n"
    )
    used = review({}, {HEAD: policy})
    assert [(f.rule, f.severity) for f in used.findings] == [("PERF003", Severity.MEDIUM)]


def test_policy_column_without_index_is_reported_once_on_the_column() -> None:
    head = """create table public.notes (
  id bigint generated always as identity primary key,
  tenant_id uuid not null,
  member_ids uuid[] not null default '{}'
);
alter table public.notes enable row level security;
create policy "tenant" on public.notes for select to authenticated
  using (tenant_id = (select (auth.jwt() ->> 'tenant_id')::uuid));
create policy "tenant delete" on public.notes for delete to authenticated
  using (tenant_id = (select (auth.jwt() ->> 'tenant_id')::uuid));
create policy "members" on public.notes for update to authenticated
  using ((select auth.uid()) = any (member_ids));
"""
    out = review({}, {HEAD: head})
    # the array column is compared with ANY: a B-tree on it would not help
    assert codes(out) == [("PERF002", 3)]


# -- policies evaluated per row -------------------------------------------------------------


def test_bare_auth_calls_are_per_row_except_in_insert_policies() -> None:
    head = """create table public.notes (
  id bigint generated always as identity primary key,
  owner_id uuid not null
);
create index notes_owner_id_idx on public.notes (owner_id);
alter table public.notes enable row level security;
create policy "r" on public.notes for select to authenticated
  using (owner_id = auth.uid());
create policy "i" on public.notes for insert to authenticated
  with check (owner_id = auth.uid());
create policy "u" on public.notes for update to authenticated
  using (owner_id = (select auth.uid()))
  with check (owner_id = auth.uid());
create policy "claims" on public.notes for delete to authenticated
  using (current_setting('request.jwt.claims', true)::jsonb ->> 'role' = 'admin');
create policy "wrapped" on public.notes for select to anon
  using ((select auth.role()) = 'anon');
"""
    out = review({}, {HEAD: head})
    assert codes(out) == [("PERF001", 8), ("PERF001", 13), ("PERF001", 15)]
    assert all(f.severity == Severity.MEDIUM for f in out.findings)


def test_per_row_helper_only_reported_for_select_policies() -> None:
    base = """create table public.posts (id bigint generated always as identity primary key,
  channel_id uuid not null);
create index posts_channel_id_idx on public.posts (channel_id);
alter table public.posts enable row level security;
create function private.is_member(p uuid) returns boolean language plpgsql stable
  security definer set search_path = '' as $$ begin return true; end; $$;
"""
    head = """create policy "read" on public.posts for select to authenticated
  using (private.is_member(channel_id));
create policy "write" on public.posts for update to authenticated
  using (private.is_member(channel_id));
create policy "length" on public.posts for select to anon
  using (length(channel_id::text) > 0);
"""
    out = review({BASE: base}, {HEAD: head})
    assert codes(out) == [("PERF004", 2)]


def test_correlated_subquery_with_bare_uid_is_medium() -> None:
    head = """create table public.members (team_id uuid, user_id uuid,
  primary key (team_id, user_id));
create table public.docs (id uuid primary key, team_id uuid not null);
create index docs_team_id_idx on public.docs (team_id);
create policy "read" on public.docs for select to authenticated
  using (exists (select 1 from public.members m
                 where m.team_id = docs.team_id and m.user_id = auth.uid()));
"""
    out = review({}, {HEAD: head})
    assert [(f.rule, f.line, f.severity) for f in out.findings] == [("PERF005", 6, Severity.MEDIUM)]


# -- type changes, renames, timeouts -----------------------------------------------------------


def test_binary_compatible_type_changes_are_not_rewrites() -> None:
    head = (
        "alter table public.orders alter column name type varchar(200);\n"
        "alter table public.orders alter column name type text;\n"
        "alter table public.orders alter column amount type numeric(14, 2);\n"
        "alter table public.orders alter column qty type bigint;\n"
        "alter table public.orders alter column note type integer using note::integer;\n"
    )
    out = review({BASE: ORDERS}, {HEAD: head})
    assert codes(out) == [("MIG007", 4), ("MIG007", 5)]


def test_set_not_null_is_skipped_when_a_check_already_proves_it() -> None:
    base = ORDERS + "alter table public.orders add constraint note_nn check (note is not null);\n"
    out = review(
        {BASE: base}, {HEAD: "alter table public.orders alter column note set not null;\n"}
    )
    assert codes(out) == []
    bare = review(
        {BASE: ORDERS}, {HEAD: "alter table public.orders\n  alter column note set not null;\n"}
    )
    assert codes(bare) == [("MIG008", 2)]


def test_set_not_null_after_a_check_validated_earlier_in_the_pr_is_quiet() -> None:
    add = "alter table public.orders add constraint note_nn check (note is not null) not valid;\n"
    validate = "alter table public.orders validate constraint note_nn;\n"
    set_nn = "alter table public.orders alter column note set not null;\n"
    # validated in a later file, then SET NOT NULL in that same file: no scan
    out = review({BASE: ORDERS}, {HEAD: add, HEAD2: validate + set_nn})
    assert "MIG008" not in [r for r, _ in codes(out)]
    # NOT VALID and never validated: the check proves nothing, SET NOT NULL still scans
    unvalidated = review({BASE: ORDERS}, {HEAD: add, HEAD2: set_nn})
    assert ("MIG008", 1) in codes(unvalidated)
    # SET NOT NULL before the check is validated still scans
    early = review({BASE: ORDERS}, {HEAD: add + set_nn, HEAD2: validate})
    assert ("MIG008", 2) in codes(early)
    # a check on another column proves nothing
    other = review(
        {BASE: ORDERS},
        {HEAD: add.replace("(note is", "(name is"), HEAD2: validate + set_nn},
    )
    assert ("MIG008", 2) in codes(other)


def test_rename_names_the_code_that_still_uses_the_old_column() -> None:
    fn = "supabase/functions/report/index.ts"
    code = "const { data } = await supabase.from('orders').select('id, note');\n"
    out = review(
        {BASE: ORDERS, fn: code},
        {HEAD: "alter table public.orders rename column note to remark;\n"},
    )
    [finding] = [f for f in out.findings if f.severity != Severity.INFO]
    assert (finding.rule, finding.severity) == ("MIG011", Severity.MEDIUM)
    assert fn in finding.message


def test_dropping_a_column_no_code_mentions_is_only_a_note() -> None:
    fn = "supabase/functions/report/index.ts"
    out = review(
        {BASE: ORDERS, fn: "await supabase.from('orders').select('id');\n"},
        {HEAD: "alter table public.orders drop column note;\n"},
    )
    assert [f.rule for f in out.findings if f.severity != Severity.INFO] == []
    assert "MIG011" in [f.rule for f in out.findings]


def test_renaming_a_column_no_code_mentions_is_low() -> None:
    fn = "supabase/functions/report/index.ts"
    out = review(
        {BASE: ORDERS, fn: "await supabase.from('orders').select('id');\n"},
        {HEAD: "alter table public.orders rename column note to remark;\n"},
    )
    assert [(f.rule, f.severity) for f in out.findings if f.severity != Severity.INFO] == [
        ("MIG011", Severity.LOW)
    ]


def test_lock_timeout_note_is_info_and_set_lock_timeout_silences_it() -> None:
    out = review({BASE: ORDERS}, {HEAD: "alter table public.orders add column kind text;\n"})
    assert [(f.rule, f.severity) for f in out.findings] == [("MIG014", Severity.INFO)]
    quiet = review(
        {BASE: ORDERS},
        {HEAD: "set lock_timeout = '4s';\nalter table public.orders add column kind text;\n"},
    )
    assert quiet.findings == []


def test_money_words_and_rates() -> None:
    head = (
        "create table public.items (id bigint generated always as identity primary key,\n"
        "  unit_price double precision,\n"
        "  tax_rate real,\n"
        "  position double precision);\n"
    )
    assert codes(review({}, {HEAD: head})) == [("PERF012", 2)]


# -- plumbing ----------------------------------------------------------------------------------


def test_suppression_comment_moves_the_finding_aside_with_its_reason() -> None:
    head = (
        "-- architect-review: ignore MIG001 orders is tiny in every environment\n"
        "create index orders_note_idx on public.orders (note);\n"
    )
    out = review({BASE: ORDERS}, {HEAD: head})
    assert codes(out) == []
    assert [(s.finding.rule, s.reason) for s in out.suppressed] == [
        ("MIG001", "orders is tiny in every environment")
    ]


def test_unparsable_file_is_skipped_with_a_note_and_others_still_reviewed() -> None:
    out = review(
        {BASE: ORDERS},
        {
            HEAD: "create tabel oops (;\n",
            HEAD2: "create index orders_note_idx on public.orders (note);\n",
        },
    )
    assert codes(out) == [("MIG001", 1)]
    assert any("SQL001" in n for n in out.notes)


def test_diff_only_workspace_without_history_does_not_crash() -> None:
    text = "create index orders_note_idx on public.orders (note);\n"
    file = ChangedFile(
        path=HEAD, status=FileStatus.ADDED, added_lines=frozenset({1}), head_text=text
    )
    ws = Workspace(files=[file], base=DictTree({}), head=DictTree({HEAD: text}))
    # no base tree: the table is unknown, so nothing is claimed about its size
    assert run_rules([file], ws).findings == []


def test_new_policy_on_existing_table_filtering_by_unindexed_base_column() -> None:
    base = """create table public.tasks (
  id bigint generated always as identity primary key,
  project_id uuid not null references public.projects (id) on delete cascade,
  assignee_id uuid references auth.users (id)
);
create table public.project_members (project_id uuid, user_id uuid,
  primary key (project_id, user_id));
"""
    head = """create policy "assigned" on public.tasks for select to authenticated
  using (assignee_id = (select auth.uid()));
create policy "members" on public.tasks for update to authenticated
  using (project_id in (select m.project_id from public.project_members m
                        where m.user_id = (select auth.uid())));
"""
    out = review({BASE: base}, {HEAD: head})
    # the foreign keys come from the base tree, so PERF003 stays quiet and PERF002 speaks,
    # on the policy lines (the columns' definitions are not part of the PR)
    assert [(f.rule, f.line, f.severity) for f in out.findings] == [
        ("PERF002", 2, Severity.MEDIUM),
        ("PERF002", 4, Severity.MEDIUM),
    ]
    assert "project_members.user_id" in out.findings[1].message


def test_two_select_policies_for_one_role_are_low_write_duplicates_info() -> None:
    head = """create table public.docs (id bigint generated always as identity primary key,
  owner_id uuid, shared boolean);
create index docs_owner_id_idx on public.docs (owner_id);
create policy "own" on public.docs for select to authenticated
  using (owner_id = (select auth.uid()));
create policy "shared" on public.docs for select to authenticated using (shared);
create policy "own delete" on public.docs for delete to authenticated
  using (owner_id = (select auth.uid()));
create policy "mods delete" on public.docs for delete to authenticated
  using ((select auth.jwt()) ->> 'role' = 'moderator');
"""
    out = review({}, {HEAD: head})
    assert [(f.rule, f.line, f.severity) for f in out.findings] == [
        ("PERF006", 6, Severity.LOW),
        ("PERF006", 9, Severity.INFO),
    ]


def test_enabling_rls_without_policies_is_an_outage_only_when_the_api_could_read_it() -> None:
    base = "create table public.invoices (id uuid primary key, total_cents bigint);\n"
    out = review({BASE: base}, {HEAD: "alter table public.invoices enable row level security;\n"})
    assert codes(out) == [("MIG010", 1)]
    revoked = base + "revoke all on public.invoices from anon, authenticated;\n"
    quiet = review(
        {BASE: revoked}, {HEAD: "alter table public.invoices enable row level security;\n"}
    )
    assert codes(quiet) == []


def test_idempotent_statements_that_change_nothing_are_not_reported() -> None:
    head = (
        "create index if not exists orders_customer_id_idx on public.orders (customer_id);\n"
        "alter table public.orders add column if not exists note text not null;\n"
    )
    out = review({BASE: ORDERS}, {HEAD: head})
    assert codes(out) == []


def test_bare_auth_call_inside_an_uncorrelated_subquery_is_per_row_of_the_subquery() -> None:
    head = """create table public.members (team_id uuid, user_id uuid,
  primary key (team_id, user_id));
create index members_user_id_idx on public.members (user_id);
create table public.docs (id uuid primary key, team_id uuid not null);
create index docs_team_id_idx on public.docs (team_id);
create policy "read" on public.docs for select to authenticated
  using (team_id in (select m.team_id from public.members m
                     where m.user_id = auth.uid()));
create policy "wrapped" on public.docs for delete to authenticated
  using (team_id in (select m.team_id from public.members m
                     where m.user_id = (select auth.uid())));
"""
    out = review({}, {HEAD: head})
    assert [(f.rule, f.line) for f in out.findings] == [("PERF001", 8)]
    assert "inside its sub-query" in out.findings[0].message


def test_refresh_of_an_existing_materialized_view_needs_concurrently() -> None:
    base = ORDERS + (
        "create materialized view public.order_totals as\n"
        "  select customer_id, count(*) from public.orders group by customer_id;\n"
    )
    out = review({BASE: base}, {HEAD: "refresh materialized view public.order_totals;\n"})
    assert codes(out) == [("MIG002", 1)]
    ok = review(
        {BASE: base}, {HEAD: "refresh materialized view concurrently public.order_totals;\n"}
    )
    assert codes(ok) == []


def test_enum_values_of_a_type_created_in_the_same_pr_may_be_used_at_once() -> None:
    head = (
        "create type public.kind as enum ('a');\n"
        "alter type public.kind add value 'b';\n"
        "create table public.things (id bigint generated always as identity primary key,\n"
        "  kind public.kind not null default 'b');\n"
    )
    assert codes(review({}, {HEAD: head})) == []


def test_table_level_foreign_key_is_reported_on_its_column_definition() -> None:
    head = """create table public.posts (
  id bigint generated always as identity primary key,
  author_id uuid not null,
  title text not null,
  body text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint posts_author_fk foreign key (author_id) references auth.users (id)
);
"""
    assert codes(review({}, {HEAD: head})) == [("PERF003", 3)]


def test_partial_index_serves_a_policy_that_repeats_its_predicate() -> None:
    head = """create table public.projects (id uuid primary key, creator_id uuid not null,
  deleted_at timestamptz);
create index projects_creator_live_idx on public.projects (creator_id) where deleted_at is null;
create policy "own" on public.projects for select to authenticated
  using (creator_id = (select auth.uid()) and deleted_at is null);
"""
    assert codes(review({}, {HEAD: head})) == []


def test_project_helper_without_row_arguments_is_per_row_until_wrapped() -> None:
    base = """create table public.posts (id bigint generated always as identity primary key,
  author_id uuid not null);
create index posts_author_id_idx on public.posts (author_id);
create function public.is_admin() returns boolean language plpgsql security definer
  set search_path = '' as $$ begin return false; end; $$;
create function public.has_role(r text) returns boolean language sql stable
  as $$ select true $$;
"""
    head = """create policy "admins delete" on public.posts for delete to authenticated
  using (public.is_admin());
create policy "mods update" on public.posts for update to authenticated
  using ((select public.has_role('moderator')));
create policy "mods read" on public.posts for select to authenticated
  using (public.has_role('moderator'));
"""
    out = review({BASE: base}, {HEAD: head})
    assert codes(out) == [("PERF001", 2), ("PERF001", 6)]
    assert "(select public.has_role(…))" in out.findings[1].help


def test_integer_key_is_reported_only_when_a_counter_fills_it() -> None:
    def key(column: str) -> list[tuple[str, int]]:
        return codes(review({}, {HEAD: f"create table public.t (\n  {column},\n  x text\n);\n"}))

    assert key("id serial primary key") == [("PERF009", 2)]
    assert key("id integer generated always as identity primary key") == [("PERF009", 2)]
    assert key("id int primary key default nextval('t_id_seq')") == [("PERF009", 2)]
    # hand-assigned keys (fixed catalogues, external ids) do not grow with traffic
    assert key("id integer primary key") == []


def test_partial_index_on_not_null_rows_serves_the_foreign_key() -> None:
    table = (
        "create table public.t (\n  id uuid primary key,\n"
        "  parent_id uuid references public.t (id),\n  deleted_at timestamptz\n);\n"
    )
    not_null = "create index t_parent_idx on public.t (parent_id) where parent_id is not null;\n"
    assert codes(review({}, {HEAD: table + not_null})) == []
    other = "create index t_parent_idx on public.t (parent_id) where deleted_at is null;\n"
    assert codes(review({}, {HEAD: table + other})) == [("PERF003", 3)]


def test_rls_without_policies_follows_who_uses_the_table() -> None:
    base = "create table public.jobs (id bigint generated always as identity primary key);\n"
    enable = "alter table public.jobs enable row level security;\n"
    browser = "src/lib/jobs.ts"
    worker = "supabase/functions/worker/index.ts"
    read = "await client.from('jobs').select('id');\n"
    admin = "const client = createClient(url, Deno.env.get('SUPABASE_SERVICE_ROLE_KEY')!);\n"

    def severities(extra: dict[str, str], head: str = enable) -> list[tuple[str, Severity]]:
        out = review({BASE: base, **extra}, {HEAD: head})
        return [(f.rule or "", f.severity) for f in out.findings if f.rule == "MIG010"]

    # a browser client reads it: deny-all outage, the file is named
    out = review({BASE: base, browser: read}, {HEAD: enable})
    [finding] = [f for f in out.findings if f.rule == "MIG010"]
    assert finding.severity is Severity.MEDIUM and browser in finding.message
    # only service-role code uses it: RLS changes nothing for it
    assert severities({worker: admin + read}) == [("MIG010", Severity.INFO)]
    # code exists but none mentions the table
    assert severities({browser: "export const x = 1;\n"}) == [("MIG010", Severity.LOW)]
    # the author says it is on purpose
    intent = "-- No policies: only the service role reads jobs.\n" + enable
    assert severities({browser: read}, intent) == [("MIG010", Severity.INFO)]
    # no application code in the repository at all: keep the default
    assert severities({}) == [("MIG010", Severity.MEDIUM)]


def test_add_column_with_references_is_not_a_validation_scan() -> None:
    # PostgreSQL skips validating the foreign key of a column added in the same
    # statement (all NULL): only the missing index is worth a note
    coupons = "create table public.coupons (id bigint primary key);\n"
    add = (
        "alter table public.orders\n  add column coupon_id bigint references public.coupons (id);\n"
    )
    out = review({BASE: ORDERS + coupons}, {HEAD: add})
    assert "MIG004" not in [r for r, _ in codes(out)]


def test_policy_helper_body_filter_needs_an_index_too() -> None:
    base = (
        "create table public.docs (id bigint primary key, team_id uuid not null);\n"
        "create index docs_team_id_idx on public.docs (team_id);\n"
        "create table public.members (team_id uuid not null, user_id uuid not null,\n"
        "  primary key (team_id, user_id));\n"
        "create schema private;\n"
        "create function private.my_team_ids() returns setof uuid language sql stable\n"
        "  security definer set search_path = '' as $$\n"
        "  select team_id from public.members where user_id = (select auth.uid())\n$$;\n"
    )
    policy = (
        "create policy p on public.docs for select to authenticated\n"
        "  using (team_id in (select private.my_team_ids()));\n"
    )
    # members.user_id is second in the primary key: the helper scans members on every query
    assert codes(review({BASE: base}, {HEAD: policy})) == [("PERF002", 2)]
    indexed = base + "create index members_user_id_idx on public.members (user_id);\n"
    assert codes(review({BASE: indexed}, {HEAD: policy})) == []


def test_dropping_or_renaming_an_api_function_or_view_still_called_by_code() -> None:
    base = ORDERS + (
        "create function public.order_stats() returns bigint language sql stable\n"
        "  set search_path = '' as $$ select count(*) from public.orders $$;\n"
        "create view public.order_overview with (security_invoker = true) as\n"
        "  select id, note from public.orders;\n"
    )
    code = {"src/lib/orders.ts": "await supabase.rpc('order_stats');\n"}
    drop_fn = "drop function public.order_stats();\n"
    out = review({BASE: base, **code}, {HEAD: drop_fn})
    [finding] = [f for f in out.findings if f.rule == "MIG011"]
    assert finding.severity is Severity.MEDIUM and "src/lib/orders.ts" in finding.message
    # recreated under the same name in the PR: callers keep working
    recreate = drop_fn + (
        "create function public.order_stats() returns numeric language sql stable\n"
        "  set search_path = '' as $$ select count(*) from public.orders $$;\n"
    )
    assert "MIG011" not in [r for r, _ in codes(review({BASE: base, **code}, {HEAD: recreate}))]
    # nobody calls the view: nothing to say
    rename_view = "alter view public.order_overview rename to orders_overview;\n"
    assert "MIG011" not in [r for r, _ in codes(review({BASE: base, **code}, {HEAD: rename_view}))]
    called = {"src/lib/orders.ts": "await supabase.from('order_overview').select('id');\n"}
    assert ("MIG011", 1) in codes(review({BASE: base, **called}, {HEAD: rename_view}))
