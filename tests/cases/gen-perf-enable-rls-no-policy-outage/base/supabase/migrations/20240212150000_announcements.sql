-- Banner messages shown on every page, managed from the Supabase dashboard.
create table public.announcements (
  id bigint generated always as identity primary key,
  message text not null,
  level text not null default 'info' check (level in ('info', 'warning')),
  starts_at timestamptz not null default now(),
  ends_at timestamptz
);

revoke insert, update, delete, truncate on public.announcements from anon, authenticated;
