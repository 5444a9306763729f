create table public.shop_customers (
  customer_ref text primary key,
  email text not null,
  display_name text,
  synced_at timestamptz not null default now()
);

create table public.shop_orders (
  order_ref text primary key,
  customer_ref text not null references public.shop_customers (customer_ref),
  total_cents integer not null
);
create index shop_orders_customer_ref_idx on public.shop_orders (customer_ref);

create table public.shop_refunds (
  refund_ref text primary key,
  order_ref text not null references public.shop_orders (order_ref),
  reason text
);
create index shop_refunds_order_ref_idx on public.shop_refunds (order_ref);

-- alter table public.shop_customers enable row level security;
-- alter table public.shop_orders enable row level security;
-- alter table public.shop_refunds enable row level security;
