alter policy "owners read" on public.accounts using (owner_id = auth.uid());
