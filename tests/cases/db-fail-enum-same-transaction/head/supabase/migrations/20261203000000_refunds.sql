alter type public.order_state add value 'refunded';

create table public.refunds (
  id bigint generated always as identity primary key,
  order_id bigint not null references public.orders (id),
  state public.order_state not null default 'refunded'
);
create index refunds_order_id_idx on public.refunds (order_id);
alter table public.refunds enable row level security;
