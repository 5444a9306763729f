create table public.orders (
  id uuid primary key default gen_random_uuid(),
  customer_id uuid not null references auth.users (id) on delete cascade,
  total_cents bigint not null check (total_cents >= 0),
  shipping_address jsonb not null,
  status text not null default 'pending',
  created_at timestamptz not null default now()
);

create index orders_customer_id_created_at_idx on public.orders (customer_id, created_at desc);

alter table public.orders enable row level security;

create policy "Customers read their orders"
  on public.orders for select
  to authenticated
  using (customer_id = (select auth.uid()));
