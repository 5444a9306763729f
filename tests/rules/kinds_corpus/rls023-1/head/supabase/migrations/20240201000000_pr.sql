alter policy sd on public.documents using (exists (select 1 from public.document_shares s where s.shared_with = (select auth.uid())));
