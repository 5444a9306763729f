create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  plan text not null default 'free',
  created_at timestamptz not null default now()
);

create table public.organization_members (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null default 'member' check (role in ('member', 'admin', 'owner')),
  joined_at timestamptz not null default now(),
  primary key (organization_id, user_id)
);

create index organization_members_user_id_idx on public.organization_members (user_id);

create schema if not exists private;

create or replace function private.my_organization_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select organization_id from public.organization_members where user_id = (select auth.uid());
$$;

revoke all on function private.my_organization_ids() from public;
grant usage on schema private to authenticated;
grant execute on function private.my_organization_ids() to authenticated;

alter table public.organizations enable row level security;
alter table public.organization_members enable row level security;

create policy "Members read their organizations"
  on public.organizations for select
  to authenticated
  using (id in (select private.my_organization_ids()));

create policy "Members see co-members"
  on public.organization_members for select
  to authenticated
  using (organization_id in (select private.my_organization_ids()));
