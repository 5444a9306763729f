-- architect-review stand-in for pg_net (supabase/pg_net sql/pg_net.sql @217e564 signatures).
-- Requests are queued in net.http_request_queue and never sent; grants as the
-- image's issue_pg_net_access event trigger gives them.
create schema if not exists net;
create table net.http_request_queue (
  id bigserial primary key,
  method text not null,
  url text not null,
  headers jsonb not null default '{}',
  body bytea,
  timeout_milliseconds integer not null default 5000
);
create table net._http_response (
  id bigint,
  status_code integer,
  content_type text,
  headers jsonb,
  content text,
  timed_out boolean,
  error_msg text,
  created timestamptz not null default pg_catalog.now()
);
create function net.http_get(
  url text, params jsonb default '{}'::jsonb, headers jsonb default '{}'::jsonb,
  timeout_milliseconds integer default 5000
) returns bigint language sql volatile as $$
  insert into net.http_request_queue (method, url, headers, timeout_milliseconds)
  values ('GET', url, headers, timeout_milliseconds) returning id
$$;
create function net.http_post(
  url text, body jsonb default '{}'::jsonb, params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
  timeout_milliseconds integer default 5000
) returns bigint language sql volatile as $$
  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values ('POST', url, headers, pg_catalog.convert_to(body::text, 'UTF8'), timeout_milliseconds)
  returning id
$$;
create function net.http_delete(
  url text, params jsonb default '{}'::jsonb, headers jsonb default '{}'::jsonb,
  timeout_milliseconds integer default 5000, body jsonb default null
) returns bigint language sql volatile as $$
  insert into net.http_request_queue (method, url, headers, timeout_milliseconds)
  values ('DELETE', url, headers, timeout_milliseconds) returning id
$$;
grant usage on schema net to postgres, anon, authenticated, service_role, supabase_functions_admin;
grant all on all tables in schema net to postgres, supabase_functions_admin;
grant insert on net.http_request_queue to anon, authenticated, service_role;
grant usage on all sequences in schema net
  to postgres, anon, authenticated, service_role, supabase_functions_admin;
grant execute on all functions in schema net
  to postgres, anon, authenticated, service_role, supabase_functions_admin;
