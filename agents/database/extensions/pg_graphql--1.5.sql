-- architect-review stand-in for pg_graphql 1.5: graphql.resolve() exists and answers
-- that GraphQL is not served (pg_graphql is off by default on Supabase since 2026-05).
create schema if not exists graphql;
create function graphql.resolve(
  query text, variables jsonb default '{}'::jsonb, "operationName" text default null,
  extensions jsonb default null
) returns jsonb language sql stable as $$
  select pg_catalog.jsonb_build_object('errors', pg_catalog.jsonb_build_array(
    pg_catalog.jsonb_build_object('message', 'architect-review stand-in: GraphQL not served')))
$$;
grant usage on schema graphql to postgres, anon, authenticated, service_role;
grant execute on all functions in schema graphql to postgres, anon, authenticated, service_role;
