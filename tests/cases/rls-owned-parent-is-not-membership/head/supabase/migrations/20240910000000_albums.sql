create table public.albums (
  id bigint generated always as identity primary key,
  cover_object_id uuid references storage.objects (id),
  owner_id uuid not null references auth.users (id) default auth.uid(),
  created_at timestamptz not null default now()
);
create index albums_owner_id_idx on public.albums (owner_id);
create index albums_cover_object_id_idx on public.albums (cover_object_id);
alter table public.albums enable row level security;

create table public.photos (
  id bigint generated always as identity primary key,
  album_id bigint not null references public.albums (id) on delete cascade,
  caption text
);
create index photos_album_id_idx on public.photos (album_id);
alter table public.photos enable row level security;

create policy "owners add albums" on public.albums for insert to authenticated
  with check ((select auth.uid()) = owner_id);
create policy "owners read albums" on public.albums for select to authenticated
  using ((select auth.uid()) = owner_id);
create policy "owners read photos" on public.photos for select to authenticated
  using (album_id in (select id from public.albums where owner_id = (select auth.uid())));
