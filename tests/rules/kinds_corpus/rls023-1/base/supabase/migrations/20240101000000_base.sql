create table public.documents (id bigint primary key, owner_id uuid references auth.users, body text);
create table public.document_shares (id bigint primary key, document_id bigint references public.documents, shared_with uuid references auth.users);
create policy sd on public.documents for select to authenticated using (false);
