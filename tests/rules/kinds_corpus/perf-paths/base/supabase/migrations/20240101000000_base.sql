create table public.accounts (
  id bigint generated always as identity primary key,
  owner_id uuid not null,
  name text not null
);
create index accounts_owner_id_idx on public.accounts (owner_id);
alter table public.accounts enable row level security;
create policy "owners read" on public.accounts for select to authenticated using (true);

create table public.events (
  id bigint generated always as identity primary key,
  happened_at timestamptz not null
) partition by range (happened_at);
create table public.events_2023 partition of public.events
  for values from ('2023-01-01') to ('2024-01-01');

create materialized view public.account_totals as select owner_id, count(*) as n from public.accounts group by owner_id;
create index account_totals_owner_idx on public.account_totals (owner_id);

create domain public.positive_amount as numeric;
create table public.invoices (id bigint primary key, amount public.positive_amount);
create index invoices_amount_idx on public.invoices (amount);

create table public.teams (id bigint primary key, owner uuid not null, name text);
create table public.members (team_id bigint not null, user_id uuid not null);
alter table public.teams enable row level security;
alter table public.members enable row level security;
create function public.is_member(team bigint) returns boolean
  language sql stable security definer set search_path = ''
  as $$ select exists (select 1 from public.members m where m.team_id = team and m.user_id = auth.uid()) $$;
create policy "teams by membership" on public.teams for select to authenticated using (true);
create policy "teams by owner" on public.teams for select to authenticated using (true);
create policy "members read" on public.members for select to authenticated using (true);
