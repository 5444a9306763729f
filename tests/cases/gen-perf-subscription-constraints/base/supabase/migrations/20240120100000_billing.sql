create table public.plans (
  id text primary key,
  name text not null,
  max_seats integer not null
);

alter table public.plans enable row level security;

create policy "Plans are public" on public.plans for select to anon, authenticated using (true);

-- One row per paying account; ~1.2M rows, updated by the Stripe webhook.
create table public.subscriptions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  plan_id text,
  seats integer not null default 1,
  status text not null default 'active',
  current_period_end timestamptz,
  created_at timestamptz not null default now()
);

create index subscriptions_user_id_idx on public.subscriptions (user_id);

alter table public.subscriptions enable row level security;

create policy "Users read their subscription" on public.subscriptions
  for select to authenticated using (user_id = (select auth.uid()));
