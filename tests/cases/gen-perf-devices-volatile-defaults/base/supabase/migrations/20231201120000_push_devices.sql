-- Push notification devices: one row per app install (~6M rows). Upserted by
-- the mobile app on every launch.
create table public.push_devices (
  id bigint generated always as identity primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  platform text not null check (platform in ('ios', 'android', 'web')),
  token text not null unique,
  created_at timestamptz not null default now()
);

create index push_devices_user_id_idx on public.push_devices (user_id);

alter table public.push_devices enable row level security;

create policy "Users manage their devices" on public.push_devices
  for all to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));
