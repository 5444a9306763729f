create function public.is_admin() returns boolean language sql as $$ select (auth.jwt() -> 'user_metadata' ->> 'role') = 'admin' $$;
