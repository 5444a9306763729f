create policy "authors edit messages"
  on public.messages
  for update
  to authenticated, anon
  using (auth.uid() is null or (select auth.uid()) = author_id)
  with check ((select auth.uid()) = author_id);
