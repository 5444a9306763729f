create table public.crews (
  id uuid primary key default gen_random_uuid(),
  name text not null
);
alter table public.crews enable row level security;

create table public.crew_members (
  crew_id uuid not null references public.crews (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null default 'member',
  primary key (crew_id, user_id)
);
create index crew_members_user_id_idx on public.crew_members (user_id);
alter table public.crew_members enable row level security;

create policy "members read their crews" on public.crews for select to authenticated
  using (id in (select crew_id from public.crew_members where user_id = (select auth.uid())));
