-- Shared team documents. Members read the team's documents; authors always
-- see, edit and delete their own (also after they leave the team).
create table public.team_documents (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references public.teams (id) on delete cascade,
  author_id uuid not null default auth.uid() references auth.users (id),
  title text not null check (char_length(title) between 1 and 200),
  body text not null default '',
  pinned boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index team_documents_team_id_idx on public.team_documents (team_id);
create index team_documents_author_id_idx on public.team_documents (author_id);

alter table public.team_documents enable row level security;

create policy "Members and authors read team documents"
  on public.team_documents for select
  to authenticated
  using (
    author_id = (select auth.uid())
    or team_id in (select tm.team_id from public.team_members tm where tm.user_id = (select auth.uid()))
  );

create policy "Members write documents as themselves"
  on public.team_documents for insert
  to authenticated
  with check (
    author_id = (select auth.uid())
    and team_id in (select tm.team_id from public.team_members tm where tm.user_id = (select auth.uid()))
  );

create policy "Authors edit their documents"
  on public.team_documents for update
  to authenticated
  using (author_id = (select auth.uid()))
  with check (author_id = (select auth.uid()));

create policy "Authors delete their documents"
  on public.team_documents for delete
  to authenticated
  using (author_id = (select auth.uid()));
