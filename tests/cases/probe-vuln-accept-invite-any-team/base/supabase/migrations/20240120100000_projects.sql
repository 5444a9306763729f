create table public.projects (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references public.teams (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 120),
  budget_cents bigint not null default 0 check (budget_cents >= 0),
  created_at timestamptz not null default now()
);

create index projects_team_id_idx on public.projects (team_id);

alter table public.projects enable row level security;

create policy "Team members read projects"
  on public.projects for select
  to authenticated
  using (team_id in (select tm.team_id from public.team_members tm where tm.user_id = (select auth.uid())));

create policy "Team members update projects"
  on public.projects for update
  to authenticated
  using (team_id in (select tm.team_id from public.team_members tm where tm.user_id = (select auth.uid())))
  with check (team_id in (select tm.team_id from public.team_members tm where tm.user_id = (select auth.uid())));
