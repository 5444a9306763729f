create table public.boards (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null references auth.users (id) on delete cascade,
  name text not null,
  updated_at timestamptz not null default now()
);

create index boards_owner_id_idx on public.boards (owner_id);

create table public.board_snapshots (
  id bigint generated always as identity primary key,
  board_id uuid not null references public.boards (id) on delete cascade,
  owner_id uuid not null references auth.users (id) on delete cascade,
  content jsonb not null,
  created_at timestamptz not null default now()
);

create index board_snapshots_board_id_idx on public.board_snapshots (board_id);
create index board_snapshots_owner_id_idx on public.board_snapshots (owner_id);

alter table public.boards enable row level security;
alter table public.board_snapshots enable row level security;

create policy "Owners read their boards"
  on public.boards for select
  to authenticated
  using (owner_id = (select auth.uid()));
