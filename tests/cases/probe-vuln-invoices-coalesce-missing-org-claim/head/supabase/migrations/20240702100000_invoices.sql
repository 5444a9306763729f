create type public.invoice_status as enum ('draft', 'sent', 'paid', 'void');

create table public.invoices (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  number text not null check (number ~ '^INV-[0-9]{4,}$'),
  customer_name text not null,
  customer_email text,
  amount_cents bigint not null check (amount_cents >= 0),
  currency char(3) not null default 'EUR' check (currency ~ '^[A-Z]{3}$'),
  status public.invoice_status not null default 'draft',
  issued_on date,
  due_on date,
  created_at timestamptz not null default now(),
  unique (org_id, number),
  check (due_on is null or issued_on is null or due_on >= issued_on)
);

alter table public.invoices enable row level security;

create policy "Organization members read invoices"
  on public.invoices for select
  to authenticated
  using (
    org_id = coalesce(
      (select (auth.jwt() -> 'app_metadata' ->> 'org_id')::uuid),
      org_id
    )
  );

create policy "Organization members create invoices"
  on public.invoices for insert
  to authenticated
  with check (org_id = (select (auth.jwt() -> 'app_metadata' ->> 'org_id')::uuid));
