create table public.folders (
  id bigint generated always as identity primary key,
  owner_id uuid not null references auth.users (id) on delete cascade,
  title text not null,
  archived boolean not null default false
);
create index folders_owner_id_idx on public.folders (owner_id);
alter table public.folders enable row level security;
create policy "owners read folders" on public.folders for select to authenticated
  using ((select auth.uid()) = owner_id);
