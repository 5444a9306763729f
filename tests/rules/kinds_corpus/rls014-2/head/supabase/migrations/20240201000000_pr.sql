create foreign table public.ft (id int, email text) server s;
