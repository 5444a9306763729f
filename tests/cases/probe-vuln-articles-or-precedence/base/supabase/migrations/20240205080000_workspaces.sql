create table public.workspaces (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(name) between 1 and 80),
  created_at timestamptz not null default now()
);

create type public.workspace_role as enum ('owner', 'editor', 'reader');

create table public.workspace_members (
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.workspace_role not null default 'reader',
  primary key (workspace_id, user_id)
);

create index workspace_members_user_id_idx on public.workspace_members (user_id);

create schema if not exists private;

create function private.user_workspace_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select workspace_id from public.workspace_members where user_id = (select auth.uid());
$$;

revoke execute on function private.user_workspace_ids() from public, anon;
grant usage on schema private to authenticated;
grant execute on function private.user_workspace_ids() to authenticated;

alter table public.workspaces enable row level security;
alter table public.workspace_members enable row level security;

create policy "Members read their workspaces"
  on public.workspaces for select
  to authenticated
  using (id in (select private.user_workspace_ids()));

create policy "Members read memberships of their workspaces"
  on public.workspace_members for select
  to authenticated
  using (workspace_id in (select private.user_workspace_ids()));
