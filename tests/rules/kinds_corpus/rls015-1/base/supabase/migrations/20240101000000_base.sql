create table public.orders (id bigint primary key, user_id uuid references auth.users, email text, total int);
create function public.wipe(p_user uuid) returns void language plpgsql as $$ begin delete from public.orders where user_id = p_user; end $$;
