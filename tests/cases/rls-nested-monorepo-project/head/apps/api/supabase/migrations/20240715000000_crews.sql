create table public.crew_notes (
  id bigint generated always as identity primary key,
  crew_id uuid not null references public.crews (id) on delete cascade,
  author_id uuid not null references auth.users (id),
  body text not null
);
create index crew_notes_crew_id_idx on public.crew_notes (crew_id);
create index crew_notes_author_id_idx on public.crew_notes (author_id);

create policy "join a crew" on public.crew_members for insert to authenticated
  with check (user_id = (select auth.uid()));
