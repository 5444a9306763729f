-- Supabase platform layer, part 0: cluster roles.
-- Mirrors the supabase/postgres image as of 17.6.1.x (2026): init-scripts
-- 00000000000000 and the migrations that demote `postgres`
-- (10000000000000_demote-postgres) and switch the API roles to INHERIT
-- (20230529180330).  Facts and sources: ../shared/SUPABASE-PLATFORM.md §1.
-- Runs once per cluster as the bootstrap superuser `supabase_admin`.
--
-- Deliberate differences from the image (the review's server runs untrusted SQL):
--  * internal service roles are NOLOGIN (nothing here logs in as them);
--  * `postgres` has no REPLICATION attribute;
--  * supautils is not loaded.  Its policy_grants (postgres may create, alter
--    and drop policies and drop triggers on auth.*, storage.* and
--    realtime.messages) are emulated by the applier, which runs exactly those
--    statements under `set role <owner>`: postgres is a member of the owner
--    roles WITH INHERIT FALSE (PostgreSQL 16+), so it gets no owner rights of
--    its own and `alter table storage.objects ...` fails as on Supabase.

create role anon nologin;
create role authenticated nologin;
create role service_role nologin bypassrls;
create role authenticator login noinherit;
grant anon, authenticated, service_role to authenticator;

create role supabase_auth_admin nologin noinherit createrole;
create role supabase_storage_admin nologin noinherit createrole;
create role supabase_realtime_admin nologin noinherit;
create role supabase_functions_admin nologin noinherit createrole;
create role dashboard_user nologin createrole createdb;
grant authenticator to supabase_storage_admin;

-- The migration owner: NOT a superuser on Supabase.
create role postgres login createrole createdb bypassrls;
grant anon, authenticated, service_role to postgres with admin option;
grant authenticator to postgres with admin option;
grant pg_monitor, pg_read_all_data, pg_signal_backend to postgres;
alter role postgres set search_path = "\$user", public, extensions;

alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
alter role authenticator set statement_timeout = '8s';
alter role supabase_auth_admin set search_path = auth;
alter role supabase_storage_admin set search_path = storage;
