create table public.wallets (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz not null default now()
);

create index wallets_owner_id_idx on public.wallets (owner_id);

alter table public.wallets enable row level security;

create policy "Owners read their wallets" on public.wallets
  for select to authenticated using (owner_id = (select auth.uid()));
