create table public.tickets (
  id bigint generated always as identity primary key,
  org_id uuid not null,
  title text not null
);

alter table public.tickets enable row level security;

create policy "org members read tickets"
  on public.tickets
  for select
  to authenticated
  using (org_id = ((auth.jwt() -> 'app_metadata') ->> 'org_id')::uuid);
