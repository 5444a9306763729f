-- Team invitations: owners and admins invite people by e-mail; the invitee
-- accepts by adding their own membership row.
create table public.team_invitations (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references public.teams (id) on delete cascade,
  email text not null check (email = lower(email) and position('@' in email) > 1),
  role public.team_role not null default 'member' check (role <> 'owner'),
  invited_by uuid not null default auth.uid() references auth.users (id) on delete cascade,
  expires_at timestamptz not null default now() + interval '7 days',
  accepted_at timestamptz,
  created_at timestamptz not null default now(),
  unique (team_id, email)
);

create index team_invitations_email_idx on public.team_invitations (email);
create index team_invitations_invited_by_idx on public.team_invitations (invited_by);

alter table public.team_invitations enable row level security;

create policy "Inviters and invitees read invitations"
  on public.team_invitations for select
  to authenticated
  using (email = (select auth.jwt() ->> 'email') or invited_by = (select auth.uid()));

create policy "Admins invite people"
  on public.team_invitations for insert
  to authenticated
  with check (
    invited_by = (select auth.uid())
    and team_id in (
      select tm.team_id from public.team_members tm
      where tm.user_id = (select auth.uid()) and tm.role in ('owner', 'admin')
    )
  );

create policy "Invitees accept an open invitation"
  on public.team_members for insert
  to authenticated
  with check (
    user_id = (select auth.uid())
    and role = 'member'
    and exists (
      select 1
      from public.team_invitations i
      where i.email = (select auth.jwt() ->> 'email')
        and i.accepted_at is null
        and i.expires_at > now()
    )
  );
