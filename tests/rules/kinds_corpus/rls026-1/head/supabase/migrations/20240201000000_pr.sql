alter policy o on public.orders using ((select auth.uid()) = id);
