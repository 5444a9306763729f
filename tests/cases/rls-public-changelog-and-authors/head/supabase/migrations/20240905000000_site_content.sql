create table public.release_notes (
  id uuid primary key default gen_random_uuid(),
  title text not null,
  changes text not null,
  author_id uuid references public.members (id) on delete set null,
  created_at timestamptz not null default now()
);
create index release_notes_author_id_idx on public.release_notes (author_id);
alter table public.release_notes enable row level security;
create policy "release notes are readable" on public.release_notes for select
  using (true);

create table public.writer_profiles (
  user_id uuid primary key references public.members (id) on delete cascade,
  display_name text not null,
  bio text not null default '',
  avatar_url text,
  website_url text
);
alter table public.writer_profiles enable row level security;
create policy "writer profiles are readable" on public.writer_profiles for select
  using (true);

create table public.stories (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique,
  title text not null
);
alter table public.stories enable row level security;
create policy "stories are readable" on public.stories for select using (true);

create table public.story_writers (
  writer_id uuid not null references public.writer_profiles (user_id) on delete cascade,
  story_id uuid not null references public.stories (id) on delete cascade,
  primary key (writer_id, story_id)
);
create index story_writers_story_id_idx on public.story_writers (story_id);
alter table public.story_writers enable row level security;
create policy "story writers are readable" on public.story_writers for select
  using (true);
