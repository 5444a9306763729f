create table public.order_notes (
  id bigint generated always as identity primary key,
  order_id bigint not null references public.orders (id),
  body text not null
);
create index order_notes_order_id_idx on public.order_notes (order_id);
