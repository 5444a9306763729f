-- Invite codes live in a schema that is not exposed through the Data API;
-- the only way in is the redeem_invite RPC below.
create schema if not exists internal;
revoke all on schema internal from public;

create table internal.workspace_invites (
  code text primary key,
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  role text not null default 'member',
  expires_at timestamptz not null,
  redeemed_by uuid references auth.users (id) on delete set null,
  redeemed_at timestamptz
);

create index workspace_invites_workspace_id_idx on internal.workspace_invites (workspace_id);
create index workspace_invites_redeemed_by_idx on internal.workspace_invites (redeemed_by);

create extension if not exists pg_trgm with schema extensions;

-- Saved CRM searches, one owner each.
create table "public"."saved_searches" (
  "id" uuid primary key default gen_random_uuid(),
  "owner_id" uuid not null default auth.uid() references auth.users (id) on delete cascade,
  "name" text not null,
  "query" jsonb not null,
  "created_at" timestamptz not null default now()
);

create index saved_searches_owner_id_idx on public.saved_searches (owner_id);

alter table public.saved_searches enable row level security;

create policy "Owners read their saved searches"
  on public.saved_searches for select
  to authenticated
  using (owner_id = (select auth.uid()));

create policy "Owners create saved searches"
  on public.saved_searches for insert
  to authenticated
  with check (owner_id = (select auth.uid()));

create policy "Owners delete their saved searches"
  on public.saved_searches for delete
  to authenticated
  using (owner_id = (select auth.uid()));

create or replace function public.redeem_invite(p_code text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_invite internal.workspace_invites%rowtype;
begin
  if v_uid is null then
    raise exception 'sign in to redeem an invite' using errcode = '42501';
  end if;

  select * into v_invite
  from internal.workspace_invites i
  where i.code = p_code
    and i.redeemed_at is null
    and i.expires_at > now()
  for update;

  if not found then
    raise exception 'invite not found or expired' using errcode = 'P0002';
  end if;

  insert into public.workspace_members (workspace_id, user_id, role)
  values (v_invite.workspace_id, v_uid, v_invite.role)
  on conflict (workspace_id, user_id) do nothing;

  update internal.workspace_invites
     set redeemed_by = v_uid, redeemed_at = now()
   where code = p_code;

  return v_invite.workspace_id;
end;
$$;

revoke execute on function public.redeem_invite(text) from public, anon;
grant execute on function public.redeem_invite(text) to authenticated;
