alter policy "teams by membership" on public.teams using (public.is_member(id));
alter policy "teams by owner" on public.teams
  using (exists (select 1 from public.members m where m.team_id = teams.id and m.user_id = (select auth.uid())));
alter policy "members read" on public.members using (user_id = (select auth.uid()));
