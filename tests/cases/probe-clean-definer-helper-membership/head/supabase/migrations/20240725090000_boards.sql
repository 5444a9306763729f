-- Kanban boards and cards of a team. Membership is checked through two
-- SECURITY DEFINER helpers in the private schema (not exposed by the API):
-- they read team_members without going through its RLS, so the card and
-- board policies stay cheap and cannot recurse.
create schema if not exists private;

create or replace function private.my_team_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select tm.team_id
  from public.team_members tm
  where tm.user_id = (select auth.uid());
$$;

create or replace function private.is_team_member(p_team_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.team_members tm
    where tm.team_id = p_team_id
      and tm.user_id = (select auth.uid())
  );
$$;

revoke execute on function private.my_team_ids() from public, anon;
revoke execute on function private.is_team_member(uuid) from public, anon;
grant usage on schema private to authenticated;
grant execute on function private.my_team_ids() to authenticated;
grant execute on function private.is_team_member(uuid) to authenticated;

create table public.boards (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references public.teams (id) on delete cascade,
  title text not null check (char_length(title) between 1 and 120),
  created_by uuid not null default auth.uid() references auth.users (id),
  created_at timestamptz not null default now()
);

create index boards_team_id_idx on public.boards (team_id);
create index boards_created_by_idx on public.boards (created_by);

create type public.card_state as enum ('todo', 'doing', 'done');

create table public.cards (
  id uuid primary key default gen_random_uuid(),
  board_id uuid not null references public.boards (id) on delete cascade,
  team_id uuid not null references public.teams (id) on delete cascade,
  title text not null check (char_length(title) between 1 and 200),
  state public.card_state not null default 'todo',
  position integer not null default 0 check (position >= 0),
  created_at timestamptz not null default now()
);

create index cards_board_id_idx on public.cards (board_id);
create index cards_team_id_idx on public.cards (team_id);

alter table public.boards enable row level security;
alter table public.cards enable row level security;

create policy "Members read team boards"
  on public.boards for select
  to authenticated
  using (team_id in (select private.my_team_ids()));

create policy "Members create team boards"
  on public.boards for insert
  to authenticated
  with check (created_by = (select auth.uid()) and private.is_team_member(team_id));

create policy "Members rename team boards"
  on public.boards for update
  to authenticated
  using (private.is_team_member(team_id))
  with check (private.is_team_member(team_id));

create policy "Members read team cards"
  on public.cards for select
  to authenticated
  using (team_id in (select private.my_team_ids()));

create policy "Members add cards"
  on public.cards for insert
  to authenticated
  with check (
    private.is_team_member(team_id)
    and exists (
      select 1 from public.boards b
      where b.id = cards.board_id
        and b.team_id = cards.team_id
    )
  );

create policy "Members move cards"
  on public.cards for update
  to authenticated
  using (private.is_team_member(team_id))
  with check (
    private.is_team_member(team_id)
    and exists (
      select 1 from public.boards b
      where b.id = cards.board_id
        and b.team_id = cards.team_id
    )
  );

create policy "Members delete cards"
  on public.cards for delete
  to authenticated
  using (private.is_team_member(team_id));
