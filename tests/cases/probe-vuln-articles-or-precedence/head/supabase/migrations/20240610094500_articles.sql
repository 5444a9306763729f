-- Knowledge-base articles of a workspace. Members read published articles;
-- authors also read their own drafts.
create type public.article_status as enum ('draft', 'in_review', 'published');

create table public.articles (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  author_id uuid not null default auth.uid() references auth.users (id),
  title text not null check (char_length(title) between 1 and 200),
  body text not null default '',
  status public.article_status not null default 'draft',
  published_at timestamptz,
  created_at timestamptz not null default now(),
  constraint articles_published_at_matches_status
    check ((status = 'published') = (published_at is not null))
);

create index articles_workspace_id_idx on public.articles (workspace_id);
create index articles_author_id_idx on public.articles (author_id);

alter table public.articles enable row level security;

create policy "Members read published articles and their own drafts"
  on public.articles for select
  to authenticated
  using (
    workspace_id in (select private.user_workspace_ids())
    and author_id = (select auth.uid())
    or status = 'published'
  );

create policy "Editors write articles as themselves"
  on public.articles for insert
  to authenticated
  with check (
    author_id = (select auth.uid())
    and workspace_id in (
      select wm.workspace_id from public.workspace_members wm
      where wm.user_id = (select auth.uid()) and wm.role in ('owner', 'editor')
    )
  );
