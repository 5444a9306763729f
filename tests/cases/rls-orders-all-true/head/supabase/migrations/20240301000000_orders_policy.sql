-- let the dashboard read and manage orders
create policy "orders are manageable"
  on public.orders
  for all
  to authenticated
  using (true)
  with check (true);
