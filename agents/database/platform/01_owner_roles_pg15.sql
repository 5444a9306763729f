-- Supabase platform layer, part 0b (PostgreSQL 15 and older): membership that
-- lets the applier emulate supautils' policy_grants with `set role`.  Before
-- PostgreSQL 16 membership always inherits, so here `postgres` also gets the
-- owner's rights on auth/storage/realtime tables (as images before 2024 had).
grant supabase_auth_admin, supabase_storage_admin, supabase_realtime_admin to postgres;
