-- Share a note with someone by e-mail address; they can read it (and edit it
-- with the 'edit' permission) once they sign in with that address.
create type public.collaborator_permission as enum ('read', 'edit');

create table public.note_collaborators (
  note_id uuid not null references public.notes (id) on delete cascade,
  email text not null check (email = lower(email) and position('@' in email) > 1),
  permission public.collaborator_permission not null default 'read',
  invited_by_email text not null default (auth.jwt() ->> 'email'),
  created_at timestamptz not null default now(),
  primary key (note_id, email)
);

create index note_collaborators_email_idx on public.note_collaborators (email);
create index note_collaborators_invited_by_email_idx on public.note_collaborators (invited_by_email);

alter table public.note_collaborators enable row level security;

create policy "Inviters and collaborators read collaborator rows"
  on public.note_collaborators for select
  to authenticated
  using (
    invited_by_email = (select auth.jwt() ->> 'email')
    or email = (select auth.jwt() ->> 'email')
  );

create policy "Users invite collaborators"
  on public.note_collaborators for insert
  to authenticated
  with check (invited_by_email = (select auth.jwt() ->> 'email'));

create policy "Inviters remove collaborators"
  on public.note_collaborators for delete
  to authenticated
  using (invited_by_email = (select auth.jwt() ->> 'email'));

drop policy "Owners read notes" on public.notes;

create policy "Owners and collaborators read notes"
  on public.notes for select
  to authenticated
  using (
    owner_id = (select auth.uid())
    or id in (
      select c.note_id from public.note_collaborators c
      where c.email = (select auth.jwt() ->> 'email')
    )
  );

drop policy "Owners update notes" on public.notes;

create policy "Owners and editors update notes"
  on public.notes for update
  to authenticated
  using (
    owner_id = (select auth.uid())
    or id in (
      select c.note_id from public.note_collaborators c
      where c.email = (select auth.jwt() ->> 'email') and c.permission = 'edit'
    )
  )
  with check (
    owner_id = (select auth.uid())
    or id in (
      select c.note_id from public.note_collaborators c
      where c.email = (select auth.jwt() ->> 'email') and c.permission = 'edit'
    )
  );
