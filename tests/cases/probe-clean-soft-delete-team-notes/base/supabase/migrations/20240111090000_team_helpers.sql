create schema if not exists private;

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

revoke execute on function private.my_team_ids() from public, anon;
grant usage on schema private to authenticated;
grant execute on function private.my_team_ids() to authenticated;
