-- Each user belongs to one organization. The admin console writes it to
-- raw_app_meta_data.org_id, so it reaches policies as the JWT's
-- app_metadata.org_id claim (users cannot change app_metadata).
create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(name) between 1 and 120),
  vat_number text,
  created_at timestamptz not null default now()
);

alter table public.organizations enable row level security;

create policy "Members read their organization"
  on public.organizations for select
  to authenticated
  using (id = (select (auth.jwt() -> 'app_metadata' ->> 'org_id')::uuid));
