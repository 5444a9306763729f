create schema if not exists private;
create table private.orders (id bigint primary key, user_id uuid, email text);
