-- Private bucket for monthly account statements. Files live under
-- '<user id>/<yyyy-mm>.pdf'; each user reads and manages only their own folder.
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('statements', 'statements', false, 10485760, array['application/pdf']);

create policy "Users read their statements"
  on storage.objects for select
  to authenticated
  using (
    bucket_id = 'statements'
    and (storage.foldername(name))[1] = (select auth.uid())::text
  );

create policy "Users upload statements"
  on storage.objects for insert
  to authenticated
  with check (
    bucket_id = 'statements'
    and owner_id = (select auth.uid())::text
  );

create policy "Users replace their statements"
  on storage.objects for update
  to authenticated
  using (
    bucket_id = 'statements'
    and (storage.foldername(name))[1] = (select auth.uid())::text
  )
  with check (
    bucket_id = 'statements'
    and (storage.foldername(name))[1] = (select auth.uid())::text
  );

create policy "Users delete their statements"
  on storage.objects for delete
  to authenticated
  using (
    bucket_id = 'statements'
    and (storage.foldername(name))[1] = (select auth.uid())::text
  );
