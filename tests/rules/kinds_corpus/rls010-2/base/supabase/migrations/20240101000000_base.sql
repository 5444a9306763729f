create table public.orders (id bigint primary key, user_id uuid references auth.users, email text, total int);
