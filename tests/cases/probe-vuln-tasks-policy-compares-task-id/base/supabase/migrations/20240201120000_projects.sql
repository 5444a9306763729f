create table public.projects (
  id bigint generated always as identity primary key,
  name text not null check (char_length(name) between 1 and 120),
  owner_id uuid not null default auth.uid() references auth.users (id),
  archived boolean not null default false,
  created_at timestamptz not null default now()
);

create index projects_owner_id_idx on public.projects (owner_id);

create type public.project_role as enum ('viewer', 'editor', 'manager');

create table public.project_members (
  project_id bigint not null references public.projects (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.project_role not null default 'editor',
  added_at timestamptz not null default now(),
  primary key (project_id, user_id)
);

create index project_members_user_id_idx on public.project_members (user_id);

alter table public.projects enable row level security;
alter table public.project_members enable row level security;

create policy "Members read their projects"
  on public.projects for select
  to authenticated
  using (id in (select pm.project_id from public.project_members pm where pm.user_id = (select auth.uid())));

create policy "Members read their memberships"
  on public.project_members for select
  to authenticated
  using (user_id = (select auth.uid()));
