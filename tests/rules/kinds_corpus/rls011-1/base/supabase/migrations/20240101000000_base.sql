create table public.orders (id bigint primary key, user_id uuid references auth.users, email text, total int);
alter table public.orders enable row level security;
grant all on public.orders to anon, authenticated;
create policy p on public.orders for select to authenticated using (user_id = auth.uid());
