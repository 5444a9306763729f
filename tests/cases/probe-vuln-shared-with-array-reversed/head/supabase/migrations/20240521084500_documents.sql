-- Private documents that the owner can share with individual users.
create type public.document_kind as enum ('note', 'contract', 'report');

create table public.documents (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  kind public.document_kind not null default 'note',
  title text not null check (char_length(title) between 1 and 200),
  body text not null default '',
  shared_with uuid[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint documents_not_shared_with_owner check (not (owner_id = any (shared_with)))
);

create index documents_owner_id_idx on public.documents (owner_id);
create index documents_shared_with_idx on public.documents using gin (shared_with);

alter table public.documents enable row level security;

create policy "Owners and people it is shared with read documents"
  on public.documents for select
  to authenticated
  using (
    owner_id = (select auth.uid())
    or shared_with <@ array[(select auth.uid())]
  );

create policy "Owners create documents"
  on public.documents for insert
  to authenticated
  with check (owner_id = (select auth.uid()));

create policy "Owners update documents"
  on public.documents for update
  to authenticated
  using (owner_id = (select auth.uid()))
  with check (owner_id = (select auth.uid()));

create policy "Owners delete documents"
  on public.documents for delete
  to authenticated
  using (owner_id = (select auth.uid()));
