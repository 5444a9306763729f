create table public.legacy_events (
  id bigint generated always as identity primary key,
  kind text not null,
  happened_at timestamptz not null default now()
);
create index legacy_events_kind_idx on public.legacy_events (kind);
alter table public.legacy_events enable row level security;
