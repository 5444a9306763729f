alter policy p on public.orders using ((auth.jwt() -> 'user_metadata' ->> 'role') = 'admin');
