create materialized view public.m as select id, email from auth.users;
