-- Audit trail: written by edge functions with the service role; each user can
-- read the entries about their own actions.
create table public.audit_events (
  id bigint generated always as identity primary key,
  actor_id uuid references auth.users (id) on delete set null,
  action text not null,
  payload jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);

create index audit_events_actor_id_created_at_idx
  on public.audit_events (actor_id, created_at desc);

alter table public.audit_events enable row level security;

create policy "Service role manages audit events"
  on public.audit_events for all
  to service_role
  using (true)
  with check (true);

create policy "Users read their own audit events"
  on public.audit_events for select
  to authenticated
  using (actor_id = (select auth.uid()));

revoke insert, update, delete, truncate on public.audit_events from anon, authenticated;
revoke all on public.audit_events from anon;

-- ISO 4217 currencies for the price pickers: public reference data.
create table public.currencies (
  code text primary key check (code ~ '^[A-Z]{3}$'),
  name text not null,
  minor_units smallint not null default 2
);

alter table public.currencies enable row level security;

create policy "Currencies are readable by everyone"
  on public.currencies for select
  to anon, authenticated
  using (true);

revoke insert, update, delete, truncate on public.currencies from anon, authenticated;
