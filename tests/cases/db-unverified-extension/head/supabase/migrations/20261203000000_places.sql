create extension if not exists postgis with schema extensions;

create table public.stores (
  id bigint generated always as identity primary key,
  name text not null,
  location extensions.geography(point) not null
);
alter table public.stores enable row level security;
create policy "stores are public" on public.stores for select to anon, authenticated using (true);
