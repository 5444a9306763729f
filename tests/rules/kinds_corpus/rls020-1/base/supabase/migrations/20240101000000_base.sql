create policy up on storage.objects for update to authenticated using (false);
