-- architect-review stand-in for pgsodium 3.1 (PG15 Supabase images; not on PG17).
-- The key table and the crypto_* functions migrations call; placeholder cryptography.
create schema if not exists pgsodium;
create table pgsodium.key (
  id uuid primary key default pg_catalog.gen_random_uuid(),
  status text default 'valid',
  created timestamptz not null default pg_catalog.now(),
  expires timestamptz,
  key_type text,
  key_id bigint,
  key_context bytea default '\x7067736f6469756d',
  name text unique,
  associated_data text default 'associated',
  raw_key bytea,
  comment text
);
create function pgsodium.randombytes_buf(size integer) returns bytea language sql volatile as $$
  select pg_catalog.decode(pg_catalog.string_agg(
    pg_catalog.lpad(pg_catalog.to_hex((pg_catalog.random() * 255)::int), 2, '0'), ''), 'hex')
  from pg_catalog.generate_series(1, size)
$$;
create function pgsodium.crypto_secretbox_keygen() returns bytea language sql volatile
  as $$ select pgsodium.randombytes_buf(32) $$;
create function pgsodium.crypto_secretbox_noncegen() returns bytea language sql volatile
  as $$ select pgsodium.randombytes_buf(24) $$;
create function pgsodium.crypto_secretbox(message bytea, nonce bytea, key bytea) returns bytea
  language sql immutable as $$ select message $$;
create function pgsodium.crypto_secretbox_open(ciphertext bytea, nonce bytea, key bytea)
  returns bytea language sql immutable as $$ select ciphertext $$;
create function pgsodium.crypto_aead_det_keygen() returns bytea language sql volatile
  as $$ select pgsodium.randombytes_buf(32) $$;
create function pgsodium.crypto_aead_det_encrypt(message bytea, additional bytea, key_uuid uuid)
  returns bytea language sql immutable as $$ select message $$;
create function pgsodium.crypto_aead_det_decrypt(message bytea, additional bytea, key_uuid uuid)
  returns bytea language sql immutable as $$ select message $$;
create function pgsodium.create_key(
  key_type text default 'aead-det', name text default null, raw_key bytea default null,
  raw_key_nonce bytea default null, parent_key uuid default null,
  key_context bytea default '\x7067736f6469756d', expires timestamptz default null,
  associated_data text default ''
) returns pgsodium.key language sql volatile as $$
  insert into pgsodium.key (key_type, name, raw_key, expires, associated_data)
  values (key_type, name, raw_key, expires, associated_data) returning *
$$;
grant usage on schema pgsodium to postgres, service_role;
grant all on all tables in schema pgsodium to postgres;
grant execute on all functions in schema pgsodium to postgres, service_role;
