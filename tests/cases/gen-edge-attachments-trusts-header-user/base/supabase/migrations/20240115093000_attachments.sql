create table public.attachments (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null references auth.users (id) on delete cascade,
  storage_path text not null unique,
  file_name text not null,
  size_bytes bigint not null,
  created_at timestamptz not null default now()
);
create index attachments_owner_id_idx on public.attachments (owner_id);

alter table public.attachments enable row level security;

create policy "Owners read their attachments"
  on public.attachments for select to authenticated
  using (owner_id = (select auth.uid()));
