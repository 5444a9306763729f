alter policy up on storage.objects using (bucket_id = 'documents');
