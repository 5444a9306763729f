create table public.profiles (id uuid primary key references auth.users, username text);
alter table public.profiles enable row level security;
grant all on public.profiles to anon, authenticated;
create policy own on public.profiles for update to authenticated using (auth.uid() = id);
