-- Longer e-mail addresses and company names, an updated_at column, a referral
-- code, and internal notes on customers.
alter table public.customers alter column email type varchar(320);
alter table public.customers alter column company_name type text;

alter table public.customers
  add column updated_at timestamptz not null default now(),
  add column referral_code text;

alter table public.customers
  add constraint customers_email_lowercase check (email = lower(email)) not valid;

create table public.customer_notes (
  id bigint generated always as identity primary key,
  customer_id bigint not null references public.customers (id) on delete cascade,
  author_id uuid not null references auth.users (id) on delete restrict,
  body text not null check (char_length(body) <= 10000),
  created_at timestamptz not null default now()
);

create index customer_notes_customer_id_created_at_idx
  on public.customer_notes (customer_id, created_at desc);
create index customer_notes_author_id_idx on public.customer_notes (author_id);

alter table public.customer_notes enable row level security;
-- Like customers: service role only, no policies.
