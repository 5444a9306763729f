create table public.messages (
  id bigint generated always as identity primary key,
  author_id uuid not null references auth.users (id) on delete cascade,
  body text not null
);
create index messages_author_id_idx on public.messages (author_id);
alter table public.messages enable row level security;
create policy "own messages" on public.messages for select to authenticated using ((select auth.uid()) = author_id);
