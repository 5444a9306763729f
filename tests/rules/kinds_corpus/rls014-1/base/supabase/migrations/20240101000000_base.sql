create extension if not exists postgres_fdw;
create server s foreign data wrapper postgres_fdw;
