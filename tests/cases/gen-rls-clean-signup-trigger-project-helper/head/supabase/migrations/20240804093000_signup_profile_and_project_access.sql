-- Create a profile row for every new user, pre-filled from the sign-up form.
create or replace function public.handle_new_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.profiles (id, full_name, avatar_url)
  values (
    new.id,
    new.raw_user_meta_data ->> 'full_name',
    new.raw_user_meta_data ->> 'avatar_url'
  );
  return new;
end;
$$;

create trigger on_auth_user_created
  after insert on auth.users
  for each row execute function public.handle_new_user();

-- Membership check for the project policies; lives outside the exposed schema.
create schema if not exists private;

create or replace function private.is_project_member(p_project_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.project_members pm
    where pm.project_id = p_project_id
      and pm.user_id = (select auth.uid())
  );
$$;

revoke all on function private.is_project_member(uuid) from public;
grant usage on schema private to authenticated;
grant execute on function private.is_project_member(uuid) to authenticated;

create policy "Members read their projects"
  on public.projects for select
  to authenticated
  using (id in (select pm.project_id from public.project_members pm where pm.user_id = (select auth.uid())));

create policy "Members rename their projects"
  on public.projects for update
  to authenticated
  using (private.is_project_member(id))
  with check (private.is_project_member(id));
