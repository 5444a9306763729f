-- Supabase platform layer, part 1: the database, its schemas and Supabase's
-- default privileges on `public` (the legacy regime: every new table, sequence
-- and function granted to anon/authenticated/service_role).  The 2026 regime
-- is switched per migration by agents/database/regime.py.
-- Mirrors supabase/postgres init-script 00000000000000 and
-- 20220317095840_pg_graphql (2026 image).  Sources: SUPABASE-PLATFORM.md §2, §6.
-- Runs as supabase_admin in each fresh project database.

alter schema public owner to pg_database_owner;
grant usage on schema public to postgres, anon, authenticated, service_role;

create schema extensions authorization postgres;
grant usage on schema extensions to anon, authenticated, service_role;
grant all on schema extensions to dashboard_user;

-- Legacy default privileges (FOR ROLE postgres: init-scripts run as postgres).
alter default privileges for role postgres in schema public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on sequences to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on functions to postgres, anon, authenticated, service_role;
-- The same for objects created by supabase_admin (left in place in both regimes).
alter default privileges for role supabase_admin in schema public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
  grant all on sequences to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
  grant all on functions to postgres, anon, authenticated, service_role;

create schema graphql_public authorization supabase_admin;
grant usage on schema graphql_public to postgres, anon, authenticated, service_role;
create function graphql_public.graphql(
  "operationName" text default null, query text default null,
  variables jsonb default null, extensions jsonb default null
) returns jsonb language sql as $$
  select pg_catalog.jsonb_build_object('errors', pg_catalog.jsonb_build_array(
    pg_catalog.jsonb_build_object('message', 'pg_graphql extension is not enabled.')))
$$;
grant execute on function graphql_public.graphql(text, text, jsonb, jsonb)
  to postgres, anon, authenticated, service_role;

-- Realtime's publication exists (empty) on every project; owned by postgres.
create publication supabase_realtime;
alter publication supabase_realtime owner to postgres;
