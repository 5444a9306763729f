-- ~2M tasks.
create table public.tasks (
  id bigint generated always as identity primary key,
  owner_id uuid references auth.users (id) on delete cascade,
  title text not null,
  legacy_priority integer,
  done boolean not null default false,
  created_at timestamptz not null default now()
);

create index tasks_owner_id_created_at_idx on public.tasks (owner_id, created_at desc);
