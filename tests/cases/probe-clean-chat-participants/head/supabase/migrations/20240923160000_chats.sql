-- Direct and group chats. Participants read a chat and its messages and post
-- as themselves; the chat's creator adds and removes participants. Messages
-- are immutable except for their body, which only the sender may edit.
create table public.chats (
  id uuid primary key default gen_random_uuid(),
  created_by uuid not null default auth.uid() references auth.users (id) on delete cascade,
  title text check (title is null or char_length(title) between 1 and 80),
  created_at timestamptz not null default now()
);

create index chats_created_by_idx on public.chats (created_by);

create table public.chat_participants (
  chat_id uuid not null references public.chats (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  joined_at timestamptz not null default now(),
  primary key (chat_id, user_id)
);

create index chat_participants_user_id_idx on public.chat_participants (user_id);

create table public.messages (
  id bigint generated always as identity primary key,
  chat_id uuid not null references public.chats (id) on delete cascade,
  sender_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  body text not null check (char_length(body) between 1 and 4000),
  edited_at timestamptz,
  created_at timestamptz not null default now()
);

create index messages_chat_id_created_at_idx on public.messages (chat_id, created_at desc);
create index messages_sender_id_idx on public.messages (sender_id);

alter table public.chats enable row level security;
alter table public.chat_participants enable row level security;
alter table public.messages enable row level security;

create schema if not exists private;

-- Chats the caller takes part in, read past the participants' own RLS (which
-- would otherwise recurse into itself).
create or replace function private.my_chat_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select cp.chat_id
  from public.chat_participants cp
  where cp.user_id = (select auth.uid());
$$;

create or replace function private.my_created_chat_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select c.id
  from public.chats c
  where c.created_by = (select auth.uid());
$$;

revoke execute on function private.my_chat_ids() from public, anon;
revoke execute on function private.my_created_chat_ids() from public, anon;
grant usage on schema private to authenticated;
grant execute on function private.my_chat_ids() to authenticated;
grant execute on function private.my_created_chat_ids() to authenticated;

create policy "Participants and creators read chats"
  on public.chats for select
  to authenticated
  using (created_by = (select auth.uid()) or id in (select private.my_chat_ids()));

create policy "Users start chats"
  on public.chats for insert
  to authenticated
  with check (created_by = (select auth.uid()));

create policy "Participants read the participant list"
  on public.chat_participants for select
  to authenticated
  using (chat_id in (select private.my_chat_ids()));

create policy "Chat creators add participants"
  on public.chat_participants for insert
  to authenticated
  with check (chat_id in (select private.my_created_chat_ids()));

create policy "Creators remove participants, participants leave"
  on public.chat_participants for delete
  to authenticated
  using (
    user_id = (select auth.uid())
    or chat_id in (select private.my_created_chat_ids())
  );

create policy "Participants read messages"
  on public.messages for select
  to authenticated
  using (chat_id in (select private.my_chat_ids()));

create policy "Participants post as themselves"
  on public.messages for insert
  to authenticated
  with check (
    sender_id = (select auth.uid())
    and chat_id in (select private.my_chat_ids())
  );

create policy "Senders edit their messages"
  on public.messages for update
  to authenticated
  using (sender_id = (select auth.uid()))
  with check (
    sender_id = (select auth.uid())
    and chat_id in (select private.my_chat_ids())
  );

-- Only the body (and the edit mark) can change after posting.
revoke update on public.messages from authenticated;
grant update (body, edited_at) on public.messages to authenticated;
revoke all on public.chats, public.chat_participants, public.messages from anon;
