create table public.cards (
  id uuid primary key default gen_random_uuid(),
  column_id uuid not null,
  owner_id uuid not null references auth.users (id) on delete cascade,
  title text not null,
  position integer not null default 0
);
create index cards_column_id_idx on public.cards (column_id);
create index cards_owner_id_idx on public.cards (owner_id);

alter table public.cards enable row level security;

create policy "Owners manage their cards"
  on public.cards for all to authenticated
  using (owner_id = (select auth.uid()))
  with check (owner_id = (select auth.uid()));
