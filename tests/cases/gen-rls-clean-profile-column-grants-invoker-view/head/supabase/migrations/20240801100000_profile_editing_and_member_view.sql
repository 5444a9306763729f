-- Users edit their own profile from the settings page. role stays admin-only:
-- only these columns are updatable through the API.
revoke update on public.profiles from anon, authenticated;
grant update (username, display_name, bio, avatar_url) on public.profiles to authenticated;

create policy "Users update their own profile"
  on public.profiles for update
  to authenticated
  using (id = (select auth.uid()))
  with check (id = (select auth.uid()));

-- Member list with profile fields for the team page; runs with the caller's
-- rights, so team_members RLS still applies.
create view public.team_member_profiles
with (security_invoker = true)
as
select
  m.team_id,
  p.id as user_id,
  p.username,
  p.display_name,
  p.avatar_url,
  m.role
from public.team_members m
join public.profiles p on p.id = m.user_id;

grant select on public.team_member_profiles to authenticated;
