create table public.accounts (
  id uuid primary key default gen_random_uuid(),
  name text not null
);

create table public.account_users (
  account_id uuid not null references public.accounts (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  primary key (account_id, user_id)
);

create index account_users_user_id_idx on public.account_users (user_id);

-- Invoices are generated nightly by the billing job (~5M rows so far) and
-- were only visible in the back office until now.
create table public.invoices (
  id bigint generated always as identity primary key,
  account_id uuid not null,
  number text not null unique,
  total_cents bigint not null,
  issued_at timestamptz not null default now()
);

create index invoices_issued_at_idx on public.invoices (issued_at);

alter table public.accounts enable row level security;
alter table public.account_users enable row level security;
alter table public.invoices enable row level security;

create policy "Users see their memberships" on public.account_users
  for select to authenticated using (user_id = (select auth.uid()));
