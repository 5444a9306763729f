-- Sellers' bank accounts and payout requests. Besides the ownership checks,
-- a RESTRICTIVE policy demands a multi-factor session (aal2) for anything on
-- these tables: a stolen password alone must not reveal or redirect payouts.
create table public.payout_accounts (
  id uuid primary key default gen_random_uuid(),
  seller_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  holder_name text not null check (char_length(holder_name) between 2 and 140),
  iban_last4 text not null check (iban_last4 ~ '^[0-9A-Z]{4}$'),
  provider_account_ref text not null unique,
  is_default boolean not null default false,
  created_at timestamptz not null default now()
);

create index payout_accounts_seller_id_idx on public.payout_accounts (seller_id);
create unique index payout_accounts_one_default_idx on public.payout_accounts (seller_id) where is_default;

create type public.payout_status as enum ('requested', 'processing', 'paid', 'failed');

create table public.payouts (
  id uuid primary key default gen_random_uuid(),
  seller_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  account_id uuid not null references public.payout_accounts (id),
  amount_cents bigint not null check (amount_cents > 0),
  currency text not null default 'EUR' check (currency ~ '^[A-Z]{3}$'),
  status public.payout_status not null default 'requested',
  requested_at timestamptz not null default now()
);

create index payouts_seller_id_idx on public.payouts (seller_id);
create index payouts_account_id_idx on public.payouts (account_id);

alter table public.payout_accounts enable row level security;
alter table public.payouts enable row level security;

create policy "Sellers read their payout accounts"
  on public.payout_accounts for select
  to authenticated
  using (seller_id = (select auth.uid()));

create policy "Sellers add payout accounts"
  on public.payout_accounts for insert
  to authenticated
  with check (seller_id = (select auth.uid()));

create policy "Sellers remove payout accounts"
  on public.payout_accounts for delete
  to authenticated
  using (seller_id = (select auth.uid()));

create policy "Payout accounts need a multi-factor session"
  on public.payout_accounts
  as restrictive
  for all
  to authenticated
  using ((select auth.jwt() ->> 'aal') = 'aal2')
  with check ((select auth.jwt() ->> 'aal') = 'aal2');

create policy "Sellers read their payouts"
  on public.payouts for select
  to authenticated
  using (seller_id = (select auth.uid()));

create policy "Sellers request payouts to their own accounts"
  on public.payouts for insert
  to authenticated
  with check (
    seller_id = (select auth.uid())
    and status = 'requested'
    and account_id in (
      select pa.id from public.payout_accounts pa
      where pa.seller_id = (select auth.uid())
    )
  );

create policy "Payouts need a multi-factor session"
  on public.payouts
  as restrictive
  for all
  to authenticated
  using ((select auth.jwt() ->> 'aal') = 'aal2')
  with check ((select auth.jwt() ->> 'aal') = 'aal2');

-- Signed-out visitors have no business here; status changes come from the
-- payment provider's webhook (service role).
revoke all on public.payouts, public.payout_accounts from anon;
revoke update on public.payouts, public.payout_accounts from authenticated;
