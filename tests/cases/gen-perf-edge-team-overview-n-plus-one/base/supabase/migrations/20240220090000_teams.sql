create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  display_name text,
  avatar_url text
);
alter table public.profiles enable row level security;
create policy "Signed-in users read profiles" on public.profiles
  for select to authenticated using (true);

create table public.team_members (
  team_id uuid not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  primary key (team_id, user_id)
);
create index team_members_user_id_idx on public.team_members (user_id);

create schema if not exists private;

-- Definer helper so that team_members' own policy does not recurse.
create function private.my_team_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select team_id from public.team_members where user_id = (select auth.uid());
$$;
revoke execute on function private.my_team_ids() from public, anon;
grant execute on function private.my_team_ids() to authenticated;
alter table public.team_members enable row level security;
create policy "Members see their teams' members" on public.team_members
  for select to authenticated
  using (team_id in (select private.my_team_ids()));

create table public.projects (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null,
  name text not null
);
create index projects_team_id_idx on public.projects (team_id);
alter table public.projects enable row level security;
create policy "Members read projects" on public.projects
  for select to authenticated
  using (team_id in (select private.my_team_ids()));

create table public.tasks (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references public.projects (id) on delete cascade,
  title text not null,
  done boolean not null default false
);
create index tasks_project_id_idx on public.tasks (project_id);
alter table public.tasks enable row level security;
create policy "Members read tasks" on public.tasks
  for select to authenticated
  using (project_id in (select id from public.projects));
