-- Workspace projects. The workspace id is written into app_metadata by the
-- invite edge function (service role); the admin flag comes from the signup form.
create table public.workspace_projects (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null,
  name text not null,
  budget_cents bigint not null default 0,
  created_at timestamptz not null default now()
);

create index workspace_projects_workspace_id_idx on public.workspace_projects (workspace_id);

alter table public.workspace_projects enable row level security;

create policy "Workspace members read projects"
  on public.workspace_projects for select
  to authenticated
  using (workspace_id = ((select auth.jwt()) -> 'app_metadata' ->> 'workspace_id')::uuid);

create policy "Workspace admins update projects"
  on public.workspace_projects for update
  to authenticated
  using (
    workspace_id = ((select auth.jwt()) -> 'app_metadata' ->> 'workspace_id')::uuid
    and ((select auth.jwt()) -> 'user_metadata' ->> 'workspace_role') = 'admin'
  );

create or replace function public.is_billing_admin()
returns boolean language sql stable security definer set search_path = ''
as $$
  select coalesce((
    select (u.raw_user_meta_data ->> 'billing_admin')::boolean
    from auth.users u
    where u.id = (select auth.uid())
  ), false);
$$;

create policy "Billing admins delete projects"
  on public.workspace_projects for delete
  to authenticated
  using (
    workspace_id = ((select auth.jwt()) -> 'app_metadata' ->> 'workspace_id')::uuid
    and (select public.is_billing_admin())
  );
