alter policy mr on public.direct_messages using ((select auth.uid()) = recipient_id);
