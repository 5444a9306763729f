insert into storage.buckets (id, name, public)
values ('invoices', 'invoices', true);

create policy "read invoices bucket"
  on storage.objects for select
  to authenticated
  using (bucket_id = 'invoices');

grant insert, update, delete on public.messages to anon;
