-- Supabase platform layer, part 4: `realtime` as the Realtime service leaves
-- it: realtime.messages (partitioned by inserted_at; a DEFAULT partition stands
-- in for the daily ones the service creates), realtime.topic() and
-- realtime.send().  Mirrors supabase/realtime tenant migrations @833cf36
-- (2026-08-21).  Not modelled: realtime.subscription, broadcast_changes(),
-- the binary send variants.  Sources: SUPABASE-PLATFORM.md §5.

create schema realtime authorization supabase_admin;
grant usage on schema realtime to postgres, anon, authenticated, service_role;
grant all on schema realtime to supabase_realtime_admin;

create table realtime.messages (
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default false,
  updated_at timestamp not null default now(),
  inserted_at timestamp not null default now(),
  id uuid not null default gen_random_uuid(),
  binary_payload bytea,
  primary key (id, inserted_at)
) partition by range (inserted_at);
create table realtime.messages_default partition of realtime.messages default;
alter table realtime.messages enable row level security;
alter table realtime.messages owner to supabase_realtime_admin;
alter table realtime.messages_default owner to supabase_realtime_admin;
grant select, insert, update on realtime.messages to postgres, anon, authenticated, service_role;

create function realtime.topic() returns text language sql stable as $$
  select nullif(current_setting('realtime.topic', true), '')::text
$$;

create function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void language plpgsql as $$
begin
  perform set_config('realtime.topic', topic, true);
  insert into realtime.messages (payload, event, topic, private, extension)
  values (payload, event, topic, private, 'broadcast');
exception when others then
  raise warning 'ErrorSendingBroadcastMessage: %', sqlerrm;
end
$$;
alter function realtime.topic() owner to supabase_realtime_admin;
alter function realtime.send(jsonb, text, text, boolean) owner to supabase_realtime_admin;
grant execute on function realtime.topic(), realtime.send(jsonb, text, text, boolean)
  to postgres, anon, authenticated, service_role;

-- The owner roles run the policy DDL the applier emulates for supautils
-- (agents/database/apply.py): they need to resolve names in the schemas policies use.
grant usage on schema auth, extensions, storage, realtime
  to supabase_auth_admin, supabase_storage_admin, supabase_realtime_admin;
