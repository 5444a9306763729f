create table public.notes (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  title text not null check (char_length(title) between 1 and 200),
  content text not null default '',
  updated_at timestamptz not null default now(),
  created_at timestamptz not null default now()
);

create index notes_owner_id_idx on public.notes (owner_id);

alter table public.notes enable row level security;

create policy "Owners read notes"
  on public.notes for select
  to authenticated
  using (owner_id = (select auth.uid()));

create policy "Owners create notes"
  on public.notes for insert
  to authenticated
  with check (owner_id = (select auth.uid()));

create policy "Owners update notes"
  on public.notes for update
  to authenticated
  using (owner_id = (select auth.uid()))
  with check (owner_id = (select auth.uid()));

create policy "Owners delete notes"
  on public.notes for delete
  to authenticated
  using (owner_id = (select auth.uid()));
