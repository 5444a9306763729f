create table public.teams (id uuid primary key, name text);
create table public.team_members (id bigint primary key, team_id uuid references public.teams, user_id uuid references auth.users, role text);
create table public.projects (id bigint primary key, team_id uuid references public.teams, name text);
alter table public.projects enable row level security;
create policy rp on public.projects for select to authenticated using (team_id in (select team_id from public.team_members where user_id = auth.uid()));
create policy j on public.team_members for insert to authenticated with check (false);
