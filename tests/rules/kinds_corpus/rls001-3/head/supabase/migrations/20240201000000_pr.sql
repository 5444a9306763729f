alter table public.orders add column phone text;
