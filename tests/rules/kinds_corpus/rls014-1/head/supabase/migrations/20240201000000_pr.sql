create foreign table public.ft (id int, email text) server s;
grant select on public.ft to anon;
