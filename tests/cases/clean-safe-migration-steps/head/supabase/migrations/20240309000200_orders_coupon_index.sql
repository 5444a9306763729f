create index concurrently if not exists orders_coupon_id_idx on public.orders (coupon_id);
