create table public.plan_subscriptions (
  id text primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  status text not null,
  price_id text not null,
  current_period_end timestamptz not null
);
create index plan_subscriptions_user_id_idx on public.plan_subscriptions (user_id);
alter table public.plan_subscriptions enable row level security;

create policy "read own subscription" on public.plan_subscriptions for select to authenticated
  using ((select auth.uid()) = user_id);
create policy "update own subscription" on public.plan_subscriptions for update to authenticated
  using ((select auth.uid()) = user_id);
