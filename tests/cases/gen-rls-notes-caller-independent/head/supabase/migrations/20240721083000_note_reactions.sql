-- Reactions v1: signed-in users can see notes in the feed and react to them.
create table public.note_reactions (
  id bigint generated always as identity primary key,
  note_id uuid not null references public.notes (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  emoji text not null check (char_length(emoji) <= 16),
  created_at timestamptz not null default now(),
  unique (note_id, user_id, emoji)
);

create index note_reactions_user_id_idx on public.note_reactions (user_id);

alter table public.note_reactions enable row level security;

create policy "Signed-in users can read notes"
  on public.notes for select
  to authenticated
  using (auth.role() = 'authenticated');

create policy "Signed-in users can react"
  on public.note_reactions for insert
  to authenticated
  with check (1 = 1);

create policy "Reactions are visible with their note"
  on public.note_reactions for select
  to authenticated
  using (note_id in (select n.id from public.notes n));

create policy "Users remove their own reactions"
  on public.note_reactions for delete
  to authenticated
  using (user_id = (select auth.uid()));
