alter policy p on public.orders using (auth.role() = 'authenticated');
