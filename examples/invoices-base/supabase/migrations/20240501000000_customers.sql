create table public.customers (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null references auth.users (id),
  name text not null,
  email text
);
alter table public.customers enable row level security;
create policy "owners read customers" on public.customers
  for select to authenticated using ((select auth.uid()) = owner_id);
