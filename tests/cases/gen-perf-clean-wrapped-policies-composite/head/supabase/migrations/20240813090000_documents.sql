-- Workspace documents. Members read everything in their workspaces, authors
-- edit their own documents, workspace admins (role in the JWT's app_metadata,
-- set by the admin console) can delete any document of their workspace.
create table public.documents (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  author_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  title text not null check (char_length(title) between 1 and 200),
  body text not null default '',
  updated_at timestamptz not null default now(),
  created_at timestamptz not null default now()
);

-- Serves the workspace listing (newest first), the FK and the RLS filter.
create index documents_workspace_id_updated_at_idx
  on public.documents (workspace_id, updated_at desc);
create index documents_author_id_idx on public.documents (author_id);

alter table public.documents enable row level security;

create policy "Members read workspace documents"
  on public.documents
  for select
  to authenticated
  using (workspace_id in (select private.user_workspace_ids()));

create policy "Members create documents as themselves"
  on public.documents
  for insert
  to authenticated
  with check (
    author_id = (select auth.uid())
    and workspace_id in (select private.user_workspace_ids())
  );

create policy "Authors edit their documents"
  on public.documents
  for update
  to authenticated
  using (author_id = (select auth.uid()))
  with check (
    author_id = (select auth.uid())
    and workspace_id in (select private.user_workspace_ids())
  );

create policy "Workspace admins delete documents"
  on public.documents
  for delete
  to authenticated
  using (
    workspace_id = ((select auth.jwt()) -> 'app_metadata' ->> 'workspace_id')::uuid
    and ((select auth.jwt()) -> 'app_metadata' ->> 'workspace_role') = 'admin'
  );

create policy "Authors delete their documents"
  on public.documents
  as permissive
  for delete
  to authenticated
  using (
    author_id = (select nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')::uuid
  );

alter policy "Members read workspace documents"
  on public.documents
  to authenticated
  using (workspace_id in (select private.user_workspace_ids()));
