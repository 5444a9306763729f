create table public.contact_tags (
  id bigint generated always as identity primary key,
  owner_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 40),
  unique (owner_id, name)
);

create table public.contacts (
  id bigint generated always as identity primary key,
  owner_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  email text not null,
  full_name text,
  tag_id bigint references public.contact_tags (id) on delete set null,
  created_at timestamptz not null default now(),
  unique (owner_id, email)
);

create index contacts_tag_id_idx on public.contacts (tag_id);

alter table public.contact_tags enable row level security;
alter table public.contacts enable row level security;

create policy "Owners manage their tags" on public.contact_tags
  for all to authenticated
  using (owner_id = (select auth.uid()))
  with check (owner_id = (select auth.uid()));

create policy "Owners manage their contacts" on public.contacts
  for all to authenticated
  using (owner_id = (select auth.uid()))
  with check (owner_id = (select auth.uid()));
