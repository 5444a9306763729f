-- Archived projects are hidden from regular members; org admins still see
-- them (the "Archive" tab). Admins can now also rename and archive projects.

alter policy "org members read projects"
  on public.projects
  to authenticated
  using (
    org_id = (auth.jwt() -> 'app_metadata' ->> 'org_id')::uuid
    and (
      archived_at is null
      or auth.jwt() -> 'app_metadata' ->> 'org_role' = 'admin'
    )
  );

create policy "org admins update projects"
  on public.projects
  for update
  to authenticated
  using (
    org_id = (current_setting('request.jwt.claims', true)::jsonb -> 'app_metadata' ->> 'org_id')::uuid
    and current_setting('request.jwt.claims', true)::jsonb -> 'app_metadata' ->> 'org_role' = 'admin'
  )
  with check (
    org_id = ((select auth.jwt()) -> 'app_metadata' ->> 'org_id')::uuid
  );
