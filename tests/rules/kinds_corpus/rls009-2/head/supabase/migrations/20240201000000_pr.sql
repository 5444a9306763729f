create function public.f() returns setof public.orders language sql as $$ select * from public.orders where auth.uid() is null or user_id = auth.uid() $$;
