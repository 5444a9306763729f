-- Track device activity so stale tokens can be pruned, and expose a short
-- fingerprint of the token for the support tool.
alter table public.push_devices
  add column last_seen_at timestamptz not null default now(),
  add column push_enabled boolean not null default true,
  add column registered_at timestamptz not null default clock_timestamp(),
  add column token_fingerprint text generated always as (left(md5(token), 12)) stored;
