-- Team roles: every member reads the team's projects, admins and owners
-- create and edit them and manage members, only owners delete projects.
-- Roles are read through a SECURITY DEFINER helper in the private schema,
-- so the team_members policies can consult team_members without recursion.
create schema if not exists private;

create or replace function private.team_role(p_team_id uuid)
returns public.team_role
language sql
stable
security definer
set search_path = ''
as $$
  select tm.role
  from public.team_members tm
  where tm.team_id = p_team_id
    and tm.user_id = (select auth.uid());
$$;

create or replace function private.my_team_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select tm.team_id
  from public.team_members tm
  where tm.user_id = (select auth.uid());
$$;

revoke execute on function private.team_role(uuid) from public, anon;
revoke execute on function private.my_team_ids() from public, anon;
grant usage on schema private to authenticated;
grant execute on function private.team_role(uuid) to authenticated;
grant execute on function private.my_team_ids() to authenticated;

create table public.projects (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references public.teams (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 120),
  description text not null default '',
  archived_at timestamptz,
  created_at timestamptz not null default now()
);

create index projects_team_id_idx on public.projects (team_id);

alter table public.projects enable row level security;

create policy "Members read team projects"
  on public.projects for select
  to authenticated
  using (team_id in (select private.my_team_ids()));

create policy "Admins create projects"
  on public.projects for insert
  to authenticated
  with check (private.team_role(team_id) in ('owner', 'admin'));

create policy "Admins edit projects"
  on public.projects for update
  to authenticated
  using (private.team_role(team_id) in ('owner', 'admin'))
  with check (private.team_role(team_id) in ('owner', 'admin'));

create policy "Owners delete projects"
  on public.projects for delete
  to authenticated
  using (private.team_role(team_id) = 'owner');

-- Members see who else is in their teams (replaces "own memberships only").
drop policy "Members read their own memberships" on public.team_members;

create policy "Members read memberships of their teams"
  on public.team_members for select
  to authenticated
  using (team_id in (select private.my_team_ids()));

-- Admins add members and change roles below owner; only owners appoint owners.
create policy "Admins add members"
  on public.team_members for insert
  to authenticated
  with check (
    private.team_role(team_id) = 'owner'
    or (private.team_role(team_id) = 'admin' and role <> 'owner')
  );

create policy "Admins change member roles"
  on public.team_members for update
  to authenticated
  using (
    private.team_role(team_id) = 'owner'
    or (private.team_role(team_id) = 'admin' and role <> 'owner')
  )
  with check (
    private.team_role(team_id) = 'owner'
    or (private.team_role(team_id) = 'admin' and role <> 'owner')
  );

create policy "Admins remove members, members leave"
  on public.team_members for delete
  to authenticated
  using (
    user_id = (select auth.uid())
    or private.team_role(team_id) = 'owner'
    or (private.team_role(team_id) = 'admin' and role <> 'owner')
  );
