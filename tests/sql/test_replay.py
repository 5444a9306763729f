"""Replay of DDL/DCL statements into the catalogue, one behaviour per test."""

from __future__ import annotations

from agents.sql.model import Catalog
from agents.sql.parse import parse_sql
from agents.sql.replay import builtin_catalog, replay


def run(sql: str, cat: Catalog | None = None) -> Catalog:
    cat = cat or builtin_catalog()
    replay(cat, parse_sql("m.sql", sql))
    return cat


def test_create_table_columns_keys_and_default_grants() -> None:
    cat = run(
        "create table t (id uuid primary key default gen_random_uuid(),"
        " user_id uuid not null references auth.users(id) on delete cascade,"
        " tags text[], price numeric(10,2), unique (user_id));"
    )
    t = cat.tables[("public", "t")]
    assert t.primary_key == ("id",)
    assert t.columns["user_id"].nullable is False
    assert t.columns["tags"].array and t.columns["tags"].type_name == "text"
    assert t.columns["price"].type_mods == (10, 2)
    assert t.foreign_keys[0].ref_table == ("auth", "users") and t.foreign_keys[0].on_delete == "c"
    assert ("user_id",) in t.unique_constraints
    assert cat.indexes[("public", "t_pkey")].constraint == "primary"
    assert cat.api_can("table", ("public", "t"), "UPDATE") == {"anon", "authenticated"}
    assert not t.rls_enabled


def test_tables_outside_public_get_no_api_grants() -> None:
    cat = run("create schema private; create table private.t (id int);")
    assert cat.api_can("table", ("private", "t"), "SELECT") == set()


def test_alter_table_rls_columns_and_constraints() -> None:
    cat = run(
        "create table t (id int, a int, b text);"
        "alter table t enable row level security, force row level security;"
        "alter table t add column c int not null default 1, drop column b,"
        " alter column a type bigint, alter column a set not null;"
        "alter table t add constraint t_pk primary key (id);"
    )
    t = cat.tables[("public", "t")]
    assert t.rls_enabled and t.rls_forced
    assert set(t.columns) == {"id", "a", "c"}
    assert t.columns["a"].type_name == "int8" and not t.columns["a"].nullable
    assert t.primary_key == ("id",)
    cat = run("alter table t disable row level security;", cat)
    assert not cat.tables[("public", "t")].rls_enabled


def test_policies_create_alter_drop() -> None:
    cat = run(
        "create table t (id int, user_id uuid);"
        "create policy p on t for update to authenticated using (auth.uid() = user_id);"
        "create policy q on t using (true);"
    )
    p = cat.policies[(("public", "t"), "p")]
    assert p.command == "update" and p.roles == ("authenticated",) and p.has_to_clause
    q = cat.policies[(("public", "t"), "q")]
    assert q.roles == ("public",) and not q.has_to_clause and q.command == "all"
    cat = run("alter policy p on t with check (false); drop policy q on t;", cat)
    assert cat.policies[(("public", "t"), "p")].with_check is not None
    assert (("public", "t"), "q") not in cat.policies


def test_indexes_plain_expression_partial_concurrent() -> None:
    cat = run(
        "create table t (a int, b text);"
        "create unique index concurrently if not exists i on t (lower(b), a) where a > 0;"
        "create index on t (a);"
    )
    i = cat.indexes[("public", "i")]
    assert i.columns == (None, "a") and i.unique and i.partial and i.concurrently
    assert i.expressions[0] is not None
    assert any(ix.columns == ("a",) for ix in cat.indexes_on(("public", "t")))
    cat = run("drop index i;", cat)
    assert ("public", "i") not in cat.indexes


def test_function_options_and_execute_defaults() -> None:
    cat = run(
        "create function public.f(p uuid, n int) returns void language plpgsql"
        " security definer set search_path = '' as $$ begin perform 1; end $$;"
        "create function private.g() returns int language sql stable as $$ select 1 $$;"
    )
    f = cat.functions[("public", "f")]
    assert f.security_definer and f.search_path == "" and f.language == "plpgsql"
    assert f.arg_names == ("p", "n") and f.arg_types == ("uuid", "int4")
    assert cat.api_can("function", ("public", "f"), "EXECUTE") == {"anon", "authenticated"}
    assert cat.functions[("private", "g")].volatility == "stable"
    assert cat.grantees("function", ("private", "g"), "EXECUTE") == {"public"}


def test_revoke_from_public_leaves_role_grants() -> None:
    cat = run(
        "create function public.f() returns int language sql as $$ select 1 $$;"
        "revoke execute on function public.f() from public;"
    )
    assert cat.api_can("function", ("public", "f"), "EXECUTE") == {"anon", "authenticated"}
    cat = run("revoke execute on function public.f() from anon, authenticated;", cat)
    assert cat.api_can("function", ("public", "f"), "EXECUTE") == set()


def test_column_grants_and_table_revoke() -> None:
    cat = run(
        "create table t (id int, bio text, role text);"
        "revoke update on t from authenticated;"
        "grant update (bio) on t to authenticated;"
    )
    assert "authenticated" in cat.column_grantees(("public", "t"), "bio", "UPDATE")
    assert "authenticated" not in cat.column_grantees(("public", "t"), "role", "UPDATE")


def test_grant_all_tables_in_schema_and_default_privileges() -> None:
    cat = run(
        "create schema api; create table api.a (id int);"
        "grant select on all tables in schema api to anon;"
        "alter default privileges in schema api grant select on tables to authenticated;"
        "create table api.b (id int);"
    )
    assert cat.grantees("table", ("api", "a"), "SELECT") == {"anon"}
    assert cat.grantees("table", ("api", "b"), "SELECT") == {"authenticated"}


def test_views_options_and_sources() -> None:
    cat = run(
        "create table t (id int);"
        "create view v with (security_invoker = on) as select * from t join auth.users u on true;"
        "create materialized view mv as select id from t;"
        "alter view v set (security_barrier = true);"
    )
    v = cat.views[("public", "v")]
    assert v.security_invoker and v.security_barrier
    assert v.source_tables == {("public", "t"), ("auth", "users")}
    assert cat.views[("public", "mv")].materialized


def test_rename_and_set_schema_carry_policies_and_grants() -> None:
    cat = run(
        "create table t (id int, a int); create policy p on t using (true);"
        "alter table t rename column a to b; alter table t rename to u;"
        "create schema s; alter table u set schema s;"
    )
    assert ("s", "u") in cat.tables and "b" in cat.tables[("s", "u")].columns
    assert (("s", "u"), "p") in cat.policies
    assert ("table", ("s", "u")) in cat.privileges


def test_drop_table_removes_dependents_and_if_exists_is_quiet() -> None:
    cat = run(
        "create table t (id int); create policy p on t using (true); create index i on t (id);"
        "drop table if exists t, missing cascade;"
    )
    assert ("public", "t") not in cat.tables
    assert not cat.policies and ("public", "i") not in cat.indexes


def test_buckets_extensions_triggers() -> None:
    cat = run(
        "insert into storage.buckets (id, name, public) values ('docs', 'docs', true);"
        "update storage.buckets set public = false where id = 'docs';"
        "create extension if not exists pgcrypto;"
        "create extension pg_trgm;"
        "create table t (id int);"
        "create trigger tr before update of id on t for each row execute function f();"
    )
    assert cat.buckets["docs"].public is False
    assert cat.extensions["pgcrypto"] == "extensions"  # pre-installed: IF NOT EXISTS is a no-op
    assert cat.extensions["pg_trgm"] == "public"
    trig = cat.triggers[(("public", "t"), "tr")]
    assert trig.timing == "before" and trig.events == ("update",) and trig.columns == ("id",)


def test_unknown_statements_are_ignored() -> None:
    cat = run("comment on table x is 'y'; do $$ begin perform 1; end $$; vacuum; select 1;")
    assert ("public", "x") not in cat.tables


def test_constraints_added_using_an_existing_index_keep_its_columns() -> None:
    cat = run(
        "create table public.t (id uuid not null, org uuid not null, slug text not null);\n"
        "create unique index t_pkey on public.t using btree (id);\n"
        "create unique index t_org_slug_key on public.t using btree (org, slug);\n"
        'alter table public.t add constraint "t_pkey" primary key using index "t_pkey";\n'
        "alter table public.t add constraint t_org_slug_key unique using index t_org_slug_key;\n"
    )
    table = cat.tables[("public", "t")]
    assert table.primary_key == ("id",)
    assert ("org", "slug") in table.unique_constraints
    keys = {i.name: (i.columns, i.constraint) for i in cat.indexes_on(("public", "t"))}
    assert keys == {"t_pkey": (("id",), "primary"), "t_org_slug_key": (("org", "slug"), "unique")}


def test_grant_sources_say_what_made_a_role_hold_a_privilege() -> None:
    cat = run(
        "create table public.a (id int);\n"
        "revoke all on public.a from anon;\n"
        "grant select on public.a to anon;\n"
        "grant select on public.a to anon;\n"
    )
    sources = cat.grant_sources[("table", ("public", "a"))]
    assert sources["anon"]["SELECT"].origin is not None
    assert sources["anon"]["SELECT"].origin.line == 3  # the restating grant on line 4 gave nothing
    assert "INSERT" not in sources["anon"]
    assert "legacy default" in sources["authenticated"]["INSERT"].text


def test_default_privileges_for_another_role_do_not_apply_to_migrations() -> None:
    cat = run(
        "alter default privileges in schema public revoke all on tables from anon;\n"
        "alter default privileges for role supabase_admin in schema public "
        "grant all on tables to anon;\n"
        "create table public.b (id int);\n"
    )
    assert not cat.api_can("table", ("public", "b"), "SELECT") - {"authenticated"}


def test_the_restricted_regime_starts_with_the_first_migration_dated_after_the_change() -> None:
    from agents.sql.analysis import replay_history

    cat, _ = replay_history(
        [
            ("supabase/migrations/20261029000000_a.sql", "create table public.a (id int);\n"),
            ("supabase/migrations/20261101000000_b.sql", "create table public.b (id int);\n"),
            (
                "supabase/migrations/20261102000000_c.sql",
                "alter default privileges in schema public grant select on tables to anon;\n"
                "create table public.c (id int);\n",
            ),
        ]
    )
    assert cat.api_can("table", ("public", "a"), "SELECT") == {"anon", "authenticated"}
    assert cat.api_can("table", ("public", "b"), "SELECT") == set()
    assert cat.api_can("table", ("public", "c"), "SELECT") == {"anon"}
    assert cat.api_can("function", ("public", "x"), "EXECUTE") == set()


def test_policies_and_indexes_stay_grouped_by_table_through_renames_and_copies() -> None:
    """``policies_on``/``indexes_on`` read a by-table grouping, not a scan: it must follow
    every replay mutation (rename, drop) and survive clone and pickle."""
    import pickle

    from agents.sql.model import Catalog
    from agents.sql.parse import parse_sql
    from agents.sql.replay import replay

    cat = Catalog()
    sql = """
    create table public.a (id int primary key, owner uuid);
    create index a_owner on public.a (owner);
    create policy p1 on public.a for select using (true);
    create table public.b (id int primary key);
    create policy p2 on public.b for select using (true);
    alter table public.a rename to c;
    drop policy p2 on public.b;
    """
    replay(cat, parse_sql("m.sql", sql))
    for copy in (cat, cat.clone(), pickle.loads(pickle.dumps(cat))):
        assert [p.name for p in copy.policies_on(("public", "c"))] == ["p1"]
        assert copy.policies_on(("public", "a")) == []
        assert copy.policies_on(("public", "b")) == []
        assert {i.name for i in copy.indexes_on(("public", "c"))} >= {"a_owner"}
        assert copy.indexes_on(("public", "a")) == []
