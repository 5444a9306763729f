"""The two worlds: consistent, constraint-valid, and honest about what could not be seeded."""

from __future__ import annotations

import re

from agents.database.seeder import USERS
from agents.database.server import Server
from tests.database.helpers import seeded

A_UID, B_UID = USERS["A"][0], USERS["B"][0]

TEAMS = """
create type public.state as enum ('draft', 'review', 'published');
create domain public.slug as text check (value ~ '^[a-z][a-z0-9-]{2,20}$');
create table public.teams (
  id uuid primary key default gen_random_uuid(),
  slug public.slug not null unique,
  code char(3) not null check (code ~ '^[A-Z]{3}$'),
  title varchar(12) not null
);
create table public.team_members (
  team_id uuid not null references public.teams (id),
  user_id uuid not null references auth.users (id),
  role text not null check (role in ('owner', 'member')),
  primary key (team_id, user_id)
);
create table public.articles (
  id bigint generated always as identity primary key,
  team_id uuid not null references public.teams (id),
  author_id uuid not null default auth.uid() references auth.users (id),
  status public.state not null default 'draft',
  published_at timestamptz,
  constraint published check ((status = 'published') = (published_at is not null))
);
alter table public.articles enable row level security;
create policy "members read" on public.articles for select to authenticated
  using (team_id in (select m.team_id from public.team_members m
                     where m.user_id = (select auth.uid())));
"""


def test_worlds_are_consistent_and_meet_every_constraint(server: Server) -> None:
    with seeded(server, TEAMS) as (seed, _catalog, _conn):
        assert seed.not_seeded == {}
        by_name = {s.table.name: s for s in seed.tables.values()}
        for name in ("teams", "team_members", "articles"):
            assert len(by_name[name].of("A")) == 3 and len(by_name[name].of("B")) == 3, name
        a_teams = {r.values["id"] for r in by_name["teams"].of("A")}
        for row in by_name["teams"].rows:
            assert re.fullmatch(r"[a-z][a-z0-9-]{2,20}", row.values["slug"] or "")
            assert re.fullmatch(r"[A-Z]{3}", row.values["code"] or "")
            assert len(row.values["title"] or "") <= 12
        for row in by_name["team_members"].of("A"):
            assert row.values["team_id"] in a_teams and row.values["user_id"] == A_UID
            assert row.values["role"] in ("owner", "member")
        articles = by_name["articles"].of("A")
        assert {r.values["status"] for r in articles} == {"draft", "review", "published"}
        for row in articles:
            assert row.values["team_id"] in a_teams and row.values["author_id"] == A_UID
            assert (row.values["status"] == "published") == (row.values["published_at"] is not None)


def test_integer_keys_collide_across_worlds_and_sequences_move_past_them(server: Server) -> None:
    tables = "\n".join(
        f"create table public.t{i} (id bigint generated always as identity primary key, "
        "owner uuid not null default auth.uid() references auth.users (id));"
        for i in range(3)
    )
    with seeded(server, tables) as (seed, _, conn):
        ids = {
            s.table.name: {w: {int(r.values["id"] or 0) for r in s.of(w)} for w in "AB"}
            for s in seed.tables.values()
        }
        for x in ids:
            for y in ids:
                if x != y:
                    assert ids[x]["A"] & ids[y]["B"], (x, y, ids)
        row = conn.execute(
            "insert into public.t0 (owner) values (%s) returning id", (A_UID,)
        ).fetchone()
        assert row is not None and int(str(row[0])) > 6


def test_claims_come_from_the_rows_they_identify(server: Server) -> None:
    sql = """
    create table public.organizations (
      id uuid primary key default gen_random_uuid(), name text not null);
    create table public.invoices (
      id uuid primary key default gen_random_uuid(),
      org_id uuid not null references public.organizations (id),
      number text not null check (number ~ '^INV-[0-9]{4,}$') unique
    );
    alter table public.invoices enable row level security;
    create policy "org" on public.invoices for select to authenticated
      using (org_id = (select (auth.jwt() -> 'app_metadata' ->> 'org_id')::uuid));
    """
    with seeded(server, sql) as (seed, _, _conn):
        world = seed.worlds["A"]
        org = world.claims[("app_metadata", "org_id")]
        invoices = next(s for s in seed.tables.values() if s.table.name == "invoices")
        assert {r.values["org_id"] for r in invoices.of("A")} == {org}
        assert world.jwt()["app_metadata"]["org_id"] == org
        assert "org_id" not in world.jwt(custom=False)["app_metadata"]
        assert all(re.fullmatch(r"INV-[0-9]{4,}", r.values["number"] or "") for r in invoices.rows)


def test_trigger_rows_are_adopted_and_triggers_do_not_run_as_superuser(server: Server) -> None:
    sql = """
    create table public.profiles (id uuid primary key references auth.users (id),
      username text not null unique);
    create table public.trigger_log (who text, super boolean);
    create function public.handle_new_user() returns trigger language plpgsql
      security definer set search_path = '' as $$
    begin
      insert into public.profiles (id, username) values (new.id, 'u-' || left(new.id::text, 8));
      insert into public.trigger_log values (current_user,
        (select rolsuper from pg_catalog.pg_roles where rolname = current_user));
      return new;
    end $$;
    create trigger on_auth_user_created after insert on auth.users
      for each row execute function public.handle_new_user();
    """
    with seeded(server, sql) as (seed, _, conn):
        profiles = next(s for s in seed.tables.values() if s.table.name == "profiles")
        assert [r.values["id"] for r in profiles.of("A")] == [A_UID]
        assert [r.values["id"] for r in profiles.of("B")] == [B_UID]
        # the log is a table too, and gets seeded rows of its own: keep the trigger's
        log = conn.execute(
            "select distinct who, super from public.trigger_log "
            "where who in (select rolname from pg_catalog.pg_roles)"
        ).fetchall()
        assert log == [("postgres", False)]


def test_tables_that_cannot_be_seeded_are_listed_with_the_reason(server: Server) -> None:
    sql = """
    create table public.a (id uuid primary key, b_id uuid not null);
    create table public.b (id uuid primary key, a_id uuid not null references public.a (id));
    alter table public.a add foreign key (b_id) references public.b (id);
    create type public.pair as (x int, y int);
    create table public.odd (id uuid primary key default gen_random_uuid(), p public.pair not null);
    create table public.child (id uuid primary key default gen_random_uuid(),
      odd_id uuid not null references public.odd (id));
    """
    with seeded(server, sql) as (seed, catalog, _):
        reasons = {catalog.tables[oid].name: why for oid, why in seed.not_seeded.items()}
        assert "foreign-key cycle" in reasons["a"] and "foreign-key cycle" in reasons["b"]
        assert "column p" in reasons["odd"] and "public.pair" in reasons["odd"]
        assert "references public.odd" in reasons["child"]


def test_a_table_needing_a_storage_object_says_so(server: Server) -> None:
    sql = """
    create table public.documents (id uuid primary key default gen_random_uuid(),
      storage_object_id uuid not null references storage.objects (id));
    """
    with seeded(server, sql) as (seed, catalog, _):
        reasons = {catalog.tables[oid].name: why for oid, why in seed.not_seeded.items()}
        assert "references storage.objects" in reasons["documents"]
        assert "table 1" not in reasons["documents"]  # a name, never an oid


def test_role_columns_of_per_user_tables_stay_unprivileged(server: Server) -> None:
    sql = """
    create table public.user_roles (user_id uuid not null references auth.users (id),
      role text not null check (role in ('admin', 'user')), primary key (user_id, role));
    create table public.secrets (id uuid primary key default gen_random_uuid(), body text);
    alter table public.secrets enable row level security;
    create policy "admins" on public.secrets for select to authenticated using (exists (
      select 1 from public.user_roles r
      where r.user_id = (select auth.uid()) and r.role = 'admin'));
    """
    with seeded(server, sql) as (seed, _, _conn):
        roles = next(s for s in seed.tables.values() if s.table.name == "user_roles")
        assert roles.rows and all(r.values["role"] == "user" for r in roles.rows)


def test_storage_objects_live_in_each_users_folder(server: Server) -> None:
    sql = (
        "insert into storage.buckets (id, name, allowed_mime_types) "
        "values ('docs', 'docs', array['application/pdf']);"
    )
    with seeded(server, sql) as (seed, _, _conn):
        objects = seed.objects["docs"]
        for world, uid in (("A", A_UID), ("B", B_UID)):
            rows = objects.of(world)
            assert len(rows) == 2
            for row in rows:
                assert (row.values["name"] or "").startswith(f"{uid}/")
                assert (row.values["name"] or "").endswith(".pdf")
                assert row.values["owner"] == uid and row.values["owner_id"] == uid


def test_undeclared_references_point_into_the_same_world(server: Server) -> None:
    # team_members.team_id has no foreign key (common in real schemas); arbitrary numbers
    # would make B a member of A's teams by accident, and the probe would "prove" a leak
    # real data never has
    sql = """
    create table public.teams (id bigint generated by default as identity primary key,
      name text not null);
    create table public.team_members (id bigint generated by default as identity primary key,
      user_id uuid not null references auth.users (id), team_id bigint not null,
      invite_id bigint);
    """
    with seeded(server, sql) as (seed, _, _conn):
        by_name = {s.table.name: s for s in seed.tables.values()}
        for world in "AB":
            teams = {r.values["id"] for r in by_name["teams"].of(world)}
            members = by_name["team_members"].of(world)
            assert members and all(r.values["team_id"] in teams for r in members)
        # an *_id column nothing names matches no seeded key at all
        keys = {r.values["id"] for s in seed.tables.values() for r in s.rows}
        assert all(
            r.values["invite_id"] is None or r.values["invite_id"] not in keys
            for r in by_name["team_members"].rows
        )
