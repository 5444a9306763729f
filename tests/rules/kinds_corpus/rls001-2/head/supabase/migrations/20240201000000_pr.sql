create table public.copy as select * from public.orders;
