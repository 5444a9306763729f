create table public.order_events (
  id bigint generated always as identity primary key,
  order_id bigint not null references public.orders (id),
  kind text not null
);
create index order_events_order_id_idx on public.order_events (order_id);
