alter table public.customers validate constraint customers_email_lowercase;
