-- tasks was exposed without RLS. Owners only from now on. owner_id gets the
-- caller as default so the existing addTask() insert keeps working.
alter table public.tasks alter column owner_id set default auth.uid();

create policy "Owners read their tasks" on public.tasks
  for select to authenticated
  using (owner_id = (select auth.uid()));

create policy "Owners create tasks" on public.tasks
  for insert to authenticated
  with check (owner_id = (select auth.uid()));

create policy "Owners update their tasks" on public.tasks
  for update to authenticated
  using (owner_id = (select auth.uid()))
  with check (owner_id = (select auth.uid()));

create policy "Owners delete their tasks" on public.tasks
  for delete to authenticated
  using (owner_id = (select auth.uid()));

alter table public.tasks enable row level security;

-- legacy_priority was replaced by ordering in 2023; nothing reads it.
alter table public.tasks drop column legacy_priority;

-- owner_id will become NOT NULL without a long lock: a NOT VALID check first,
-- validated in the next migration.
alter table public.tasks
  add constraint tasks_owner_id_not_null check (owner_id is not null) not valid;
