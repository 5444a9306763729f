create table public.posts (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique,
  title text not null,
  author_name text not null,
  author_avatar_url text,
  body text not null default '',
  published_at timestamptz
);

alter table public.posts enable row level security;

create policy "Published posts are public"
  on public.posts for select to anon, authenticated
  using (published_at is not null);
