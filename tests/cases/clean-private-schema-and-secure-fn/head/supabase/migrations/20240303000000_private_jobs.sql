create schema if not exists private;

create table private.job_runs (
  id bigint generated always as identity primary key,
  job_name text not null,
  started_at timestamptz not null default now()
);

create table public.notes (
  id bigint generated always as identity primary key,
  owner_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  body text not null,
  created_at timestamptz not null default now()
);

create index notes_owner_id_idx on public.notes (owner_id);

alter table public.notes enable row level security;

create policy "owners read notes" on public.notes
  for select to authenticated
  using ((select auth.uid()) = owner_id);

create policy "owners write notes" on public.notes
  for insert to authenticated
  with check ((select auth.uid()) = owner_id);

create or replace function public.note_count()
returns bigint
language sql
stable
security invoker
set search_path = ''
as $$
  select count(*) from public.notes where owner_id = (select auth.uid());
$$;
