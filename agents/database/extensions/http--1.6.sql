-- architect-review stand-in for pgsql-http 1.6: the types and functions exist so that
-- migrations defining functions on them apply; calling one raises SQLSTATE AR000
-- ("could not verify": the review's server has no network, by design).
create domain @extschema@.http_method as text;
create domain @extschema@.content_type as text
  check (value ~ '^\S+\/\S+');
create type @extschema@.http_header as (field varchar, value varchar);
create type @extschema@.http_request as (
  method @extschema@.http_method, uri varchar, headers @extschema@.http_header[],
  content_type varchar, content varchar
);
create type @extschema@.http_response as (
  status integer, content_type varchar, headers @extschema@.http_header[], content varchar
);
create function @extschema@.http(request @extschema@.http_request)
returns @extschema@.http_response language plpgsql volatile as $$
begin
  raise exception 'architect-review stand-in: http() does not reach the network here'
    using errcode = 'AR000';
end $$;
create function @extschema@.http_header(field varchar, value varchar)
  returns @extschema@.http_header language sql immutable
  as $$ select row(field, value)::@extschema@.http_header $$;
create function @extschema@.http_get(uri varchar) returns @extschema@.http_response
  language sql volatile
  as $$ select @extschema@.http(row('GET', uri, null, null, null)::@extschema@.http_request) $$;
create function @extschema@.http_get(uri varchar, data jsonb) returns @extschema@.http_response
  language sql volatile
  as $$ select @extschema@.http(row('GET', uri, null, null, null)::@extschema@.http_request) $$;
create function @extschema@.http_post(uri varchar, content varchar, content_type varchar)
  returns @extschema@.http_response language sql volatile
  as $$ select @extschema@.http(row('POST', uri, null, content_type, content)::@extschema@.http_request) $$;
create function @extschema@.http_post(uri varchar, data jsonb) returns @extschema@.http_response
  language sql volatile
  as $$ select @extschema@.http(row('POST', uri, null, null, null)::@extschema@.http_request) $$;
create function @extschema@.http_put(uri varchar, content varchar, content_type varchar)
  returns @extschema@.http_response language sql volatile
  as $$ select @extschema@.http(row('PUT', uri, null, content_type, content)::@extschema@.http_request) $$;
create function @extschema@.http_patch(uri varchar, content varchar, content_type varchar)
  returns @extschema@.http_response language sql volatile
  as $$ select @extschema@.http(row('PATCH', uri, null, content_type, content)::@extschema@.http_request) $$;
create function @extschema@.http_delete(uri varchar) returns @extschema@.http_response
  language sql volatile
  as $$ select @extschema@.http(row('DELETE', uri, null, null, null)::@extschema@.http_request) $$;
create function @extschema@.http_head(uri varchar) returns @extschema@.http_response
  language sql volatile
  as $$ select @extschema@.http(row('HEAD', uri, null, null, null)::@extschema@.http_request) $$;
create function @extschema@.urlencode(string varchar) returns text language sql immutable strict
  as $$ select pg_catalog.replace(pg_catalog.replace(string, '%', '%25'), ' ', '%20') $$;
create function @extschema@.urlencode(data jsonb) returns text language sql immutable strict
  as $$ select data::text $$;
