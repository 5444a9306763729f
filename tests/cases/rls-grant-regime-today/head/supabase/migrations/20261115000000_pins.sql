create table public.draft_notes (
  id bigint generated always as identity primary key,
  title text not null,
  created_at timestamptz not null default now()
);

create table public.shared_links (
  id bigint generated always as identity primary key,
  url text not null,
  label text
);
grant select, insert on public.shared_links to anon;

create table public.pinned_items (
  id bigint generated always as identity primary key,
  owner_id uuid not null references auth.users (id) on delete cascade,
  label text not null
);
create index pinned_items_owner_id_idx on public.pinned_items (owner_id);
alter table public.pinned_items enable row level security;
create policy "owners manage pins" on public.pinned_items for all to authenticated
  using ((select auth.uid()) = owner_id) with check ((select auth.uid()) = owner_id);
grant insert, update, delete on public.pinned_items to anon;
