-- Ledger of wallet top-ups and purchases. Rows are inserted by the
-- payments service (service role) and never updated.
create table public.wallet_transactions (
  id serial primary key,
  wallet_id uuid not null references public.wallets (id) on delete cascade,
  kind text not null check (kind in ('top_up', 'purchase', 'transfer', 'refund')),
  counterparty_wallet_id uuid references public.wallets (id) on delete restrict,
  amount double precision not null,
  description text,
  booked_at timestamp not null default now(),
  created_at timestamptz not null default now()
);

create index wallet_transactions_wallet_id_booked_at_idx
  on public.wallet_transactions (wallet_id, booked_at desc);

alter table public.wallet_transactions enable row level security;

create policy "Owners read their wallet transactions"
  on public.wallet_transactions for select
  to authenticated
  using (wallet_id in (select id from public.wallets where owner_id = (select auth.uid())));
