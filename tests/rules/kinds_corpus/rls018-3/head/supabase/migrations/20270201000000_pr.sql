alter default privileges for role postgres in schema public grant all on tables to public;
