create table public.members (
  id uuid primary key references auth.users (id) on delete cascade,
  email text not null
);
alter table public.members enable row level security;
create policy "members read themselves" on public.members for select to authenticated
  using ((select auth.uid()) = id);
