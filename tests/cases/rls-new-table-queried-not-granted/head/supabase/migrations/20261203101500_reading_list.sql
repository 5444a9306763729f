-- Saved articles per user, shown on the new /reading-list page.
create table public.reading_list (
  id bigint generated always as identity primary key,
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  url text not null check (url ~ '^https://'),
  title text,
  saved_at timestamptz not null default now()
);

create index reading_list_user_id_idx on public.reading_list (user_id);

alter table public.reading_list enable row level security;

create policy "users manage their reading list" on public.reading_list
  for all to authenticated
  using ((select auth.uid()) = user_id)
  with check ((select auth.uid()) = user_id);
