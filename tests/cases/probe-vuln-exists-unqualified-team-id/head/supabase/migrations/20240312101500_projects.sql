-- Projects belong to a team; every member of the team can see them,
-- owners and admins create them.
create type public.project_status as enum ('active', 'paused', 'archived');

create table public.projects (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references public.teams (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 120),
  status public.project_status not null default 'active',
  budget_cents bigint not null default 0 check (budget_cents >= 0),
  created_by uuid not null default auth.uid() references auth.users (id),
  created_at timestamptz not null default now()
);

create index projects_team_id_idx on public.projects (team_id);
create index projects_created_by_idx on public.projects (created_by);

alter table public.projects enable row level security;

create policy "Team members read projects"
  on public.projects for select
  to authenticated
  using (
    exists (
      select 1
      from public.team_members m
      where m.team_id = team_id
        and m.user_id = (select auth.uid())
    )
  );

create policy "Team admins create projects"
  on public.projects for insert
  to authenticated
  with check (
    created_by = (select auth.uid())
    and exists (
      select 1
      from public.team_members m
      where m.team_id = projects.team_id
        and m.user_id = (select auth.uid())
        and m.role in ('owner', 'admin')
    )
  );
