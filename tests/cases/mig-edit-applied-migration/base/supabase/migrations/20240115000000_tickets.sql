create table public.tickets (
  id bigint generated always as identity primary key,
  reporter_id uuid not null references auth.users (id),
  subject text not null
);
create index tickets_reporter_id_idx on public.tickets (reporter_id);
alter table public.tickets enable row level security;
create policy "reporters read tickets" on public.tickets for select to authenticated
  using ((select auth.uid()) = reporter_id);
