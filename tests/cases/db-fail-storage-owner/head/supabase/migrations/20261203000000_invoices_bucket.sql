insert into storage.buckets (id, name, public) values ('invoices', 'invoices', false);

alter table storage.objects enable row level security;

create policy "customers read own invoices" on storage.objects for select to authenticated
  using (bucket_id = 'invoices' and (storage.foldername(name))[1] = (select auth.uid())::text);
