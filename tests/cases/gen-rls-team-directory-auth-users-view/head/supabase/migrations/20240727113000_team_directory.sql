-- Team directory for the @mention picker.
create view public.team_directory as
select
  m.team_id,
  u.id as user_id,
  u.email,
  u.raw_user_meta_data ->> 'full_name' as full_name,
  u.last_sign_in_at
from public.team_members m
join auth.users u on u.id = m.user_id;

-- Member counts for the sidebar; runs with the caller's rights.
create view public.team_sizes
with (security_invoker = on)
as
select m.team_id, count(*) as member_count
from public.team_members m
group by m.team_id;

grant select on public.team_directory, public.team_sizes to authenticated;
