-- Team notes with a trash: deleting a note only sets deleted_at. Team members
-- see the live notes of their teams; authors also see their own trashed notes
-- (to restore them). A nightly job (service role) purges old trash, so there
-- is no DELETE policy.
create table public.team_notes (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references public.teams (id) on delete cascade,
  author_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  title text not null check (char_length(title) between 1 and 200),
  body text not null default '',
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index team_notes_team_id_idx on public.team_notes (team_id);
create index team_notes_author_id_idx on public.team_notes (author_id);

alter table public.team_notes enable row level security;

create policy "Members read live notes, authors also their trash"
  on public.team_notes for select
  to authenticated
  using (
    author_id = (select auth.uid())
    or (deleted_at is null and team_id in (select private.my_team_ids()))
  );

create policy "Members write notes as themselves"
  on public.team_notes for insert
  to authenticated
  with check (
    author_id = (select auth.uid())
    and deleted_at is null
    and team_id in (select private.my_team_ids())
  );

create policy "Authors edit, trash and restore their notes"
  on public.team_notes for update
  to authenticated
  using (author_id = (select auth.uid()))
  with check (
    author_id = (select auth.uid())
    and team_id in (select private.my_team_ids())
  );

revoke delete, truncate on public.team_notes from anon, authenticated;
