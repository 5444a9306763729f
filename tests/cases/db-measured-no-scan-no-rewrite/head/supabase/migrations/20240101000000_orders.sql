create table public.orders (
  id bigint generated always as identity primary key,
  customer_id uuid not null references auth.users (id),
  status text not null default 'new',
  amount_cents integer,
  note varchar(200),
  constraint orders_amount_present check (amount_cents is not null)
);
create index orders_customer_id_idx on public.orders (customer_id);
alter table public.orders enable row level security;
create policy "customers read own orders" on public.orders for select to authenticated
  using ((select auth.uid()) = customer_id);
create type public.order_state as enum ('new', 'paid');
