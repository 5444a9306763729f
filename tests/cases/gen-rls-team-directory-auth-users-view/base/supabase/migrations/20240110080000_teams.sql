create table public.teams (
  id uuid primary key default gen_random_uuid(),
  name text not null
);

create table public.team_members (
  team_id uuid not null references public.teams (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  primary key (team_id, user_id)
);

create index team_members_user_id_idx on public.team_members (user_id);

create schema if not exists private;

create or replace function private.my_team_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select team_id from public.team_members where user_id = (select auth.uid());
$$;

revoke all on function private.my_team_ids() from public;
grant usage on schema private to authenticated;
grant execute on function private.my_team_ids() to authenticated;

alter table public.teams enable row level security;
alter table public.team_members enable row level security;

create policy "Members read their teams"
  on public.teams for select
  to authenticated
  using (id in (select private.my_team_ids()));

create policy "Members see their team mates"
  on public.team_members for select
  to authenticated
  using (team_id in (select private.my_team_ids()));
