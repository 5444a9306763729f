alter table public.orders add column total_cents integer;

-- keep the old amount for reports
update public.orders
   set total_cents = amount_cent
 where total_cents is null;
