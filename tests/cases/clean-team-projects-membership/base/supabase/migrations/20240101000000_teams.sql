create table public.teams (
  id uuid primary key default gen_random_uuid(),
  name text not null
);
create table public.team_members (
  team_id uuid not null references public.teams (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null default 'member' check (role in ('member', 'admin')),
  primary key (team_id, user_id)
);
create index team_members_user_id_idx on public.team_members (user_id);
alter table public.teams enable row level security;
alter table public.team_members enable row level security;
create policy "members see their memberships" on public.team_members
  for select to authenticated
  using (user_id = (select auth.uid()));
create policy "members see their teams" on public.teams
  for select to authenticated
  using (id in (select team_id from public.team_members where user_id = (select auth.uid())));
