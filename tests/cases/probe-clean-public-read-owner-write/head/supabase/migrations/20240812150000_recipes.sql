-- A recipe site: published recipes are public (also to signed-out visitors),
-- drafts are visible to their author only; only authors change their recipes.
create type public.recipe_difficulty as enum ('easy', 'medium', 'hard');

create table public.recipes (
  id uuid primary key default gen_random_uuid(),
  author_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  slug text not null unique check (slug ~ '^[a-z0-9-]{3,80}$'),
  title text not null check (char_length(title) between 3 and 120),
  ingredients jsonb not null default '[]' check (jsonb_typeof(ingredients) = 'array'),
  steps text not null default '',
  difficulty public.recipe_difficulty not null default 'easy',
  servings smallint not null default 2 check (servings between 1 and 50),
  published_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index recipes_author_id_idx on public.recipes (author_id);
create index recipes_published_at_idx on public.recipes (published_at desc) where published_at is not null;

alter table public.recipes enable row level security;

create policy "Published recipes are public; authors see their drafts"
  on public.recipes for select
  to anon, authenticated
  using (published_at is not null or author_id = (select auth.uid()));

create policy "Authors create recipes"
  on public.recipes for insert
  to authenticated
  with check (author_id = (select auth.uid()));

create policy "Authors edit their recipes"
  on public.recipes for update
  to authenticated
  using (author_id = (select auth.uid()))
  with check (author_id = (select auth.uid()));

create policy "Authors delete their recipes"
  on public.recipes for delete
  to authenticated
  using (author_id = (select auth.uid()));

-- Signed-out visitors only read.
revoke insert, update, delete, truncate on public.recipes from anon;
