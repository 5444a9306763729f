-- Threaded replies and emoji reactions on comments.

alter table "public"."comments" add column "parent_id" bigint;

create index "comments_parent_id_idx"
  on "public"."comments" ("parent_id")
  where "parent_id" is not null;

create table "public"."comment_reactions" (
  "comment_id" bigint not null references "public"."comments" ("id") on delete cascade,
  "user_id" uuid not null references auth.users ("id") on delete cascade,
  "emoji" text not null check (char_length("emoji") between 1 and 16),
  "created_at" timestamptz not null default now(),
  primary key ("comment_id", "user_id", "emoji")
);

create index "comment_reactions_user_id_idx" on "public"."comment_reactions" ("user_id");

alter table "public"."comment_reactions" enable row level security;

-- Reactions are public to the community, like the comments they belong to.
create policy "Anyone signed in reads reactions" on "public"."comment_reactions"
  for select to authenticated using (true);

create policy "Users add their own reactions" on "public"."comment_reactions"
  for insert to authenticated with check ("user_id" = (select auth.uid()));

create policy "Users remove their own reactions" on "public"."comment_reactions"
  for delete to authenticated using ("user_id" = (select auth.uid()));
