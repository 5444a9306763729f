create type public.team_role as enum ('owner', 'admin', 'member');

create table public.teams (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(name) between 1 and 80),
  slug text not null unique check (slug ~ '^[a-z0-9-]{3,40}$'),
  created_by uuid not null default auth.uid() references auth.users (id),
  created_at timestamptz not null default now()
);

create index teams_created_by_idx on public.teams (created_by);

create table public.team_members (
  team_id uuid not null references public.teams (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.team_role not null default 'member',
  joined_at timestamptz not null default now(),
  primary key (team_id, user_id)
);

create index team_members_user_id_idx on public.team_members (user_id);

alter table public.teams enable row level security;
alter table public.team_members enable row level security;

create policy "Members read their teams"
  on public.teams for select
  to authenticated
  using (id in (select tm.team_id from public.team_members tm where tm.user_id = (select auth.uid())));

create policy "Members read their own memberships"
  on public.team_members for select
  to authenticated
  using (user_id = (select auth.uid()));
