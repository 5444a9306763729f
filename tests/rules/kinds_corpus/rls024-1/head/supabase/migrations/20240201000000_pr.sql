alter policy j on public.team_members with check (user_id = (select auth.uid()));
