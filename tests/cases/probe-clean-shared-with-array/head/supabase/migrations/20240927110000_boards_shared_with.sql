-- Whiteboards that the owner can share with individual users. The viewer
-- list is a uuid[] kept next to the row (GIN-indexed); only the owner may
-- change it.
create type public.whiteboard_visibility as enum ('private', 'shared');

create table public.whiteboards (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  title text not null check (char_length(title) between 1 and 120),
  visibility public.whiteboard_visibility not null default 'private',
  viewer_ids uuid[] not null default '{}',
  scene jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint whiteboards_private_has_no_viewers
    check (visibility = 'shared' or cardinality(viewer_ids) = 0)
);

create index whiteboards_owner_id_idx on public.whiteboards (owner_id);
create index whiteboards_viewer_ids_idx on public.whiteboards using gin (viewer_ids);

alter table public.whiteboards enable row level security;

create policy "Owners and listed viewers read whiteboards"
  on public.whiteboards for select
  to authenticated
  using (
    owner_id = (select auth.uid())
    or viewer_ids @> array[(select auth.uid())]
  );

create policy "Owners create whiteboards"
  on public.whiteboards for insert
  to authenticated
  with check (owner_id = (select auth.uid()));

create policy "Owners edit whiteboards"
  on public.whiteboards for update
  to authenticated
  using (owner_id = (select auth.uid()))
  with check (owner_id = (select auth.uid()));

create policy "Owners delete whiteboards"
  on public.whiteboards for delete
  to authenticated
  using (owner_id = (select auth.uid()));

revoke all on public.whiteboards from anon;
