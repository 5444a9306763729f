-- A public forum: anyone can read posts and comments, signed-in users write.
create table public.posts (
  id bigint generated always as identity primary key,
  author_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  title text not null check (char_length(title) between 3 and 200),
  body text not null,
  created_at timestamptz not null default now()
);

create index posts_author_id_idx on public.posts (author_id);

create table public.comments (
  id bigint generated always as identity primary key,
  post_id bigint not null references public.posts (id) on delete cascade,
  author_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  body text not null check (char_length(body) between 1 and 5000),
  created_at timestamptz not null default now()
);

create index comments_post_id_idx on public.comments (post_id);
create index comments_author_id_idx on public.comments (author_id);

alter table public.posts enable row level security;
alter table public.comments enable row level security;

create policy "Posts are viewable by everyone"
  on public.posts for select
  to anon, authenticated
  using (true);

create policy "Users write posts as themselves"
  on public.posts for insert
  to authenticated
  with check (author_id = (select auth.uid()));

create policy "Comments are viewable by everyone"
  on public.comments for select
  to anon, authenticated
  using (true);

create policy "Users comment as themselves"
  on public.comments for insert
  to authenticated
  with check (author_id = (select auth.uid()));
