-- architect-review stand-in for pgcrypto 1.3 (Supabase installs it in `extensions`).
-- Signatures as in contrib/pgcrypto; the cryptography is a placeholder built on
-- PostgreSQL's own sha2/md5: good enough for migrations to apply, never for data.
create function @extschema@.digest(data text, type text) returns bytea
language sql immutable strict parallel safe as $$
  select case pg_catalog.lower(type)
    when 'md5' then pg_catalog.decode(pg_catalog.md5(data), 'hex')
    when 'sha224' then pg_catalog.sha224(pg_catalog.convert_to(data, 'UTF8'))
    when 'sha384' then pg_catalog.sha384(pg_catalog.convert_to(data, 'UTF8'))
    when 'sha512' then pg_catalog.sha512(pg_catalog.convert_to(data, 'UTF8'))
    else pg_catalog.sha256(pg_catalog.convert_to(data, 'UTF8')) end
$$;
create function @extschema@.digest(data bytea, type text) returns bytea
language sql immutable strict parallel safe as $$
  select case pg_catalog.lower(type)
    when 'md5' then pg_catalog.decode(pg_catalog.md5(data), 'hex')
    when 'sha224' then pg_catalog.sha224(data)
    when 'sha384' then pg_catalog.sha384(data)
    when 'sha512' then pg_catalog.sha512(data)
    else pg_catalog.sha256(data) end
$$;
create function @extschema@.hmac(data text, key text, type text) returns bytea
language sql immutable strict parallel safe as $$
  select pg_catalog.sha256(pg_catalog.convert_to(key || data || type, 'UTF8'))
$$;
create function @extschema@.hmac(data bytea, key bytea, type text) returns bytea
language sql immutable strict parallel safe as $$
  select pg_catalog.sha256(key || data || pg_catalog.convert_to(type, 'UTF8'))
$$;
create function @extschema@.gen_random_bytes(integer) returns bytea
language sql volatile strict parallel safe as $$
  select pg_catalog.decode(pg_catalog.string_agg(
    pg_catalog.lpad(pg_catalog.to_hex((pg_catalog.random() * 255)::int), 2, '0'), ''), 'hex')
  from pg_catalog.generate_series(1, $1)
$$;
create function @extschema@.gen_random_uuid() returns uuid
language sql volatile parallel safe as $$ select pg_catalog.gen_random_uuid() $$;
create function @extschema@.gen_salt(text) returns text
language sql volatile strict parallel safe as $$
  select '$' || pg_catalog.left($1, 2) || '$' || pg_catalog.left(pg_catalog.md5(pg_catalog.random()::text), 10)
$$;
create function @extschema@.gen_salt(text, integer) returns text
language sql volatile strict parallel safe as $$
  select '$' || pg_catalog.left($1, 2) || '$' || pg_catalog.left(pg_catalog.md5(pg_catalog.random()::text), 10)
$$;
-- crypt(pw, crypt(pw, salt)) = crypt(pw, salt), as with bcrypt.
create function @extschema@.crypt(text, text) returns text
language sql immutable strict parallel safe as $$
  select pg_catalog.left($2, 14) || pg_catalog.md5(pg_catalog.left($2, 14) || $1)
$$;
create function @extschema@.encrypt(bytea, bytea, text) returns bytea
language sql immutable strict as $$ select $1 $$;
create function @extschema@.decrypt(bytea, bytea, text) returns bytea
language sql immutable strict as $$ select $1 $$;
create function @extschema@.encrypt_iv(bytea, bytea, bytea, text) returns bytea
language sql immutable strict as $$ select $1 $$;
create function @extschema@.decrypt_iv(bytea, bytea, bytea, text) returns bytea
language sql immutable strict as $$ select $1 $$;
create function @extschema@.pgp_sym_encrypt(text, text) returns bytea
language sql volatile strict as $$ select pg_catalog.convert_to($1, 'UTF8') $$;
create function @extschema@.pgp_sym_encrypt(text, text, text) returns bytea
language sql volatile strict as $$ select pg_catalog.convert_to($1, 'UTF8') $$;
create function @extschema@.pgp_sym_encrypt_bytea(bytea, text) returns bytea
language sql volatile strict as $$ select $1 $$;
create function @extschema@.pgp_sym_decrypt(bytea, text) returns text
language sql immutable strict as $$ select pg_catalog.convert_from($1, 'UTF8') $$;
create function @extschema@.pgp_sym_decrypt(bytea, text, text) returns text
language sql immutable strict as $$ select pg_catalog.convert_from($1, 'UTF8') $$;
create function @extschema@.pgp_sym_decrypt_bytea(bytea, text) returns bytea
language sql immutable strict as $$ select $1 $$;
create function @extschema@.pgp_pub_encrypt(text, bytea) returns bytea
language sql volatile strict as $$ select pg_catalog.convert_to($1, 'UTF8') $$;
create function @extschema@.pgp_pub_decrypt(bytea, bytea) returns text
language sql immutable strict as $$ select pg_catalog.convert_from($1, 'UTF8') $$;
create function @extschema@.armor(bytea) returns text
language sql immutable strict as $$ select pg_catalog.encode($1, 'base64') $$;
create function @extschema@.dearmor(text) returns bytea
language sql immutable strict as $$ select pg_catalog.decode($1, 'base64') $$;
