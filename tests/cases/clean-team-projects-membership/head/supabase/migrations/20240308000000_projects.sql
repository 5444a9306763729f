create table public.projects (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references public.teams (id) on delete cascade,
  name text not null,
  created_at timestamptz not null default now()
);

create index projects_team_id_idx on public.projects (team_id);

alter table public.projects enable row level security;

create policy "team members read projects"
  on public.projects
  for select
  to authenticated
  using (team_id in (select team_id from public.team_members where user_id = (select auth.uid())));

create policy "team admins create projects"
  on public.projects
  for insert
  to authenticated
  with check (
    team_id in (
      select team_id from public.team_members
      where user_id = (select auth.uid()) and role = 'admin'
    )
  );
