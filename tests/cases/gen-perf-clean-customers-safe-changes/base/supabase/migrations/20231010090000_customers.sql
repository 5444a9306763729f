-- CRM customers (~3M rows). Staff access only, through the back office (service role).
create table public.customers (
  id bigint generated always as identity primary key,
  email varchar(255) not null,
  company_name varchar(120),
  country_code text,
  created_at timestamptz not null default now()
);

create unique index customers_email_key on public.customers (email);

alter table public.customers enable row level security;
-- No policies: only the service role reads or writes customers.
