-- amount_cents is already proven by the valid check constraint orders_amount_present
alter table public.orders alter column amount_cents set not null;
alter table public.orders drop constraint orders_amount_present;

alter table public.orders alter column note type varchar(500);
