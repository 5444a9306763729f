alter policy p on public.orders using (auth.uid() is null or user_id = auth.uid());
