create table public.orders (
  id bigint generated always as identity primary key,
  customer_id uuid not null references auth.users (id),
  total_cents bigint not null,
  created_at timestamptz not null default now()
);
alter table public.orders enable row level security;
create index orders_customer_id_idx on public.orders (customer_id);
