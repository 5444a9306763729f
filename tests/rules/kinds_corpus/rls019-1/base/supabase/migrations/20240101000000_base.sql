insert into storage.buckets (id, name, public) values ('invoices','invoices', false);
