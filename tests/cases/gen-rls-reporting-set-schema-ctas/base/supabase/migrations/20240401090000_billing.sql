create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  created_at timestamptz not null default now()
);

create table public.organization_members (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null default 'member',
  primary key (organization_id, user_id)
);

create index organization_members_user_id_idx on public.organization_members (user_id);

create table public.invoices (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  amount_cents bigint not null,
  status text not null default 'open',
  paid_at timestamptz,
  created_at timestamptz not null default now()
);

create index invoices_organization_id_idx on public.invoices (organization_id);

alter table public.organizations enable row level security;
alter table public.organization_members enable row level security;
alter table public.invoices enable row level security;

create policy "Members read their organizations"
  on public.organizations for select
  to authenticated
  using (id in (select organization_id from public.organization_members where user_id = (select auth.uid())));

create policy "Members read their memberships"
  on public.organization_members for select
  to authenticated
  using (user_id = (select auth.uid()));

create policy "Members read their invoices"
  on public.invoices for select
  to authenticated
  using (organization_id in (select organization_id from public.organization_members where user_id = (select auth.uid())));

-- Internal payout bookkeeping, filled by the nightly payout job (service role).
create schema if not exists staging;

create table staging.payout_batches (
  id bigint generated always as identity primary key,
  organization_id uuid not null references public.organizations (id),
  iban text not null,
  account_holder text not null,
  amount_cents bigint not null,
  executed_at timestamptz
);

create index payout_batches_organization_id_idx on staging.payout_batches (organization_id);
