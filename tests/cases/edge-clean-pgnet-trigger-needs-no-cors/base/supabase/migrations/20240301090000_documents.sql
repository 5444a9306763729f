create table public.documents (
  id bigint generated always as identity primary key,
  owner_id uuid not null references auth.users (id) on delete cascade default auth.uid(),
  body text not null,
  indexed_at timestamptz
);
alter table public.documents enable row level security;
create policy "owners manage their documents" on public.documents
  for all to authenticated
  using ((select auth.uid()) = owner_id)
  with check ((select auth.uid()) = owner_id);
create index documents_owner_id_idx on public.documents (owner_id);
