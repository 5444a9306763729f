-- Projects belong to an organisation. The organisation id and the member's
-- role are put into app_metadata by the provisioning service.
create table public.projects (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 120),
  archived_at timestamptz,
  created_at timestamptz not null default now()
);

create index projects_org_id_idx on public.projects (org_id);

alter table public.projects enable row level security;

create policy "org members read projects"
  on public.projects
  for select
  to authenticated
  using (org_id = ((select auth.jwt()) -> 'app_metadata' ->> 'org_id')::uuid);
