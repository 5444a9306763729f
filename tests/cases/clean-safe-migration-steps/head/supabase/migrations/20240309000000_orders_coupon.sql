alter table public.orders add column coupon_id bigint;

alter table public.orders
  add constraint orders_coupon_id_fkey
  foreign key (coupon_id) references public.coupons (id) not valid;
