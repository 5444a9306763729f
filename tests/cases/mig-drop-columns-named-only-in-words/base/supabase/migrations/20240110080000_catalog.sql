create table public.products (
  id bigint generated always as identity primary key,
  name text not null,
  description text,
  embeddings jsonb,
  price_cents integer not null
);
alter table public.products enable row level security;
create policy "products are public" on public.products for select to anon, authenticated using (true);
