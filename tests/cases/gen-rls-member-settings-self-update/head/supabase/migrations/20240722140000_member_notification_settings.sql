-- Per-organization notification settings, edited by each member.
alter table public.organization_members
  add column notify_email boolean not null default true,
  add column notify_digest text not null default 'weekly';

create policy "Members update their own membership settings"
  on public.organization_members
  for update
  to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));
