create table public.customers (
  id bigint generated always as identity primary key,
  org_id uuid not null,
  full_name text not null,
  email text not null,
  phone text,
  lifetime_value_cents bigint not null default 0,
  created_at timestamptz not null default now()
);
create index customers_org_id_idx on public.customers (org_id);

alter table public.customers enable row level security;
