-- Folders that owners can share with other users, and the file records
-- (metadata of uploads) inside them.
create table public.folders (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 120),
  created_at timestamptz not null default now()
);

create index folders_owner_id_idx on public.folders (owner_id);

create type public.share_permission as enum ('view', 'edit');

create table public.folder_shares (
  folder_id uuid not null references public.folders (id) on delete cascade,
  shared_with uuid not null references auth.users (id) on delete cascade,
  permission public.share_permission not null default 'view',
  shared_by uuid not null default auth.uid() references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (folder_id, shared_with)
);

create index folder_shares_shared_with_idx on public.folder_shares (shared_with);
create index folder_shares_shared_by_idx on public.folder_shares (shared_by);

create table public.files (
  id uuid primary key default gen_random_uuid(),
  folder_id uuid not null references public.folders (id) on delete cascade,
  uploaded_by uuid not null default auth.uid() references auth.users (id),
  file_name text not null check (char_length(file_name) between 1 and 255),
  size_bytes bigint not null check (size_bytes >= 0),
  storage_path text not null unique,
  created_at timestamptz not null default now()
);

create index files_folder_id_idx on public.files (folder_id);
create index files_uploaded_by_idx on public.files (uploaded_by);

alter table public.folders enable row level security;
alter table public.folder_shares enable row level security;
alter table public.files enable row level security;

-- Folders the caller owns or that were shared with them. Runs as the owner:
-- the folder and share policies read each other, which Postgres rejects as
-- infinite recursion when both go through RLS.
create schema if not exists private;

create or replace function private.accessible_folder_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select f.id
  from public.folders f
  left join public.folder_shares s on s.shared_with = (select auth.uid())
  where f.owner_id = (select auth.uid())
     or s.folder_id is not null
$$;

revoke execute on function private.accessible_folder_ids() from public, anon;
grant usage on schema private to authenticated;
grant execute on function private.accessible_folder_ids() to authenticated;

create policy "Owners and invitees read folders"
  on public.folders for select
  to authenticated
  using (id in (select private.accessible_folder_ids()));

create policy "Owners create folders"
  on public.folders for insert
  to authenticated
  with check (owner_id = (select auth.uid()));

create policy "Owners and invitees read shares"
  on public.folder_shares for select
  to authenticated
  using (shared_with = (select auth.uid()) or shared_by = (select auth.uid()));

create policy "Owners share their folders"
  on public.folder_shares for insert
  to authenticated
  with check (
    shared_by = (select auth.uid())
    and folder_id in (select f.id from public.folders f where f.owner_id = (select auth.uid()))
  );

create policy "Owners and invitees read files"
  on public.files for select
  to authenticated
  using (folder_id in (select private.accessible_folder_ids()));

create policy "Owners upload files"
  on public.files for insert
  to authenticated
  with check (
    uploaded_by = (select auth.uid())
    and folder_id in (select f.id from public.folders f where f.owner_id = (select auth.uid()))
  );
