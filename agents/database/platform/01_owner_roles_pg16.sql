-- Supabase platform layer, part 0b (PostgreSQL 16+): membership that lets the
-- applier emulate supautils' policy_grants with `set role` (see 00_roles.sql).
grant supabase_auth_admin, supabase_storage_admin, supabase_realtime_admin
  to postgres with inherit false, set true;
