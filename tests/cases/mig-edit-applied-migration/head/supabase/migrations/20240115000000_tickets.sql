create table public.tickets (
  id bigint generated always as identity primary key,
  reporter_id uuid not null references auth.users (id),
  subject text not null,
  priority smallint not null default 3
);
create index tickets_reporter_id_idx on public.tickets (reporter_id);
create index tickets_priority_idx on public.tickets (priority);
alter table public.tickets enable row level security;
create policy "reporters read tickets" on public.tickets for select to authenticated
  using ((select auth.uid()) = reporter_id);
