alter table public.orders add column status text not null;

alter table public.orders alter column total_cents type numeric(12, 2);

create index orders_created_at_idx on public.orders (created_at);
