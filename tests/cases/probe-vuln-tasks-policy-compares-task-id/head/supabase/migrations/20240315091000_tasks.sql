-- Tasks inside a project, visible to the project's members.
create type public.task_priority as enum ('low', 'normal', 'urgent');

create table public.tasks (
  id bigint generated always as identity primary key,
  project_id bigint not null references public.projects (id) on delete cascade,
  title text not null check (char_length(title) between 1 and 200),
  description text not null default '',
  priority public.task_priority not null default 'normal',
  assignee_id uuid references auth.users (id) on delete set null,
  due_on date,
  done boolean not null default false,
  created_at timestamptz not null default now()
);

create index tasks_project_id_idx on public.tasks (project_id);
create index tasks_assignee_id_idx on public.tasks (assignee_id);

alter table public.tasks enable row level security;

create policy "Project members read tasks"
  on public.tasks for select
  to authenticated
  using (id in (select pm.project_id from public.project_members pm where pm.user_id = (select auth.uid())));

create policy "Project editors add tasks"
  on public.tasks for insert
  to authenticated
  with check (
    project_id in (
      select pm.project_id from public.project_members pm
      where pm.user_id = (select auth.uid()) and pm.role in ('editor', 'manager')
    )
  );
