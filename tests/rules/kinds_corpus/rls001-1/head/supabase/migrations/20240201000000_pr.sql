alter table private.orders set schema public;
