-- architect-review stand-in for uuid-ossp 1.1 (Supabase installs it in `extensions`).
-- v1/v1mc are random (not time-based); v3/v5 are name-based but not RFC-exact.
create function @extschema@.uuid_nil() returns uuid language sql immutable parallel safe
  as $$ select '00000000-0000-0000-0000-000000000000'::uuid $$;
create function @extschema@.uuid_ns_dns() returns uuid language sql immutable parallel safe
  as $$ select '6ba7b810-9dad-11d1-80b4-00c04fd430c8'::uuid $$;
create function @extschema@.uuid_ns_url() returns uuid language sql immutable parallel safe
  as $$ select '6ba7b811-9dad-11d1-80b4-00c04fd430c8'::uuid $$;
create function @extschema@.uuid_ns_oid() returns uuid language sql immutable parallel safe
  as $$ select '6ba7b812-9dad-11d1-80b4-00c04fd430c8'::uuid $$;
create function @extschema@.uuid_ns_x500() returns uuid language sql immutable parallel safe
  as $$ select '6ba7b814-9dad-11d1-80b4-00c04fd430c8'::uuid $$;
create function @extschema@.uuid_generate_v1() returns uuid language sql volatile parallel safe
  as $$ select pg_catalog.gen_random_uuid() $$;
create function @extschema@.uuid_generate_v1mc() returns uuid language sql volatile parallel safe
  as $$ select pg_catalog.gen_random_uuid() $$;
create function @extschema@.uuid_generate_v3(namespace uuid, name text) returns uuid
  language sql immutable strict parallel safe
  as $$ select pg_catalog.md5(namespace::text || name)::uuid $$;
create function @extschema@.uuid_generate_v4() returns uuid language sql volatile parallel safe
  as $$ select pg_catalog.gen_random_uuid() $$;
create function @extschema@.uuid_generate_v5(namespace uuid, name text) returns uuid
  language sql immutable strict parallel safe
  as $$ select pg_catalog.left(pg_catalog.encode(pg_catalog.sha256(
    pg_catalog.convert_to(namespace::text || name, 'UTF8')), 'hex'), 32)::uuid $$;
