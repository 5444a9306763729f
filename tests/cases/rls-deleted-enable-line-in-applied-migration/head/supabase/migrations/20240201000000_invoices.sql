create table public.invoices (
  id bigint generated always as identity primary key,
  customer_id uuid not null references auth.users (id),
  amount_cents integer not null,
  billing_address text not null
);
create index invoices_customer_id_idx on public.invoices (customer_id);
create policy "customers read invoices" on public.invoices for select to authenticated
  using ((select auth.uid()) = customer_id);
