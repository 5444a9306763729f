create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  created_at timestamptz not null default now()
);

alter table public.organizations enable row level security;

create policy "members read their organization"
  on public.organizations
  for select
  to authenticated
  using (id = ((select auth.jwt()) -> 'app_metadata' ->> 'org_id')::uuid);
