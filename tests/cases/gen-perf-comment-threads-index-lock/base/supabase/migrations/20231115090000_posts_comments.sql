-- Community posts and their comments. comments is the busiest table of the
-- app (about 40M rows, thousands of inserts per minute at peak).
create table "public"."posts" (
  "id" bigint generated always as identity primary key,
  "author_id" uuid not null references auth.users ("id") on delete cascade,
  "title" text not null,
  "body" text not null,
  "created_at" timestamptz not null default now()
);

create index "posts_author_id_idx" on "public"."posts" ("author_id");

create table "public"."comments" (
  "id" bigint generated always as identity primary key,
  "post_id" bigint not null references "public"."posts" ("id") on delete cascade,
  "author_id" uuid not null references auth.users ("id") on delete cascade,
  "body" text not null check (char_length("body") <= 5000),
  "created_at" timestamptz not null default now()
);

create index "comments_post_id_created_at_idx" on "public"."comments" ("post_id", "created_at");
create index "comments_author_id_idx" on "public"."comments" ("author_id");

alter table "public"."posts" enable row level security;
alter table "public"."comments" enable row level security;

create policy "Anyone signed in reads posts" on "public"."posts"
  for select to authenticated using (true);
create policy "Anyone signed in reads comments" on "public"."comments"
  for select to authenticated using (true);
create policy "Authors write comments" on "public"."comments"
  for insert to authenticated with check ("author_id" = (select auth.uid()));
