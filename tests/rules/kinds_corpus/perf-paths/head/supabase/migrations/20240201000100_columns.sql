alter table public.accounts add column parent_id bigint references public.accounts (id);
alter table public.accounts add column closed_at timestamp;
alter table public.accounts add column code varchar(12);
alter table public.accounts add column balance_price double precision;
alter table public.accounts add column slug text unique;
