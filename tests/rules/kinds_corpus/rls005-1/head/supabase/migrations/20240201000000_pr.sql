alter policy p on public.orders using (true);
