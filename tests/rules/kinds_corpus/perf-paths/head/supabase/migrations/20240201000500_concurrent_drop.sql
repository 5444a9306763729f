set statement_timeout = '5min';
drop index concurrently public.invoices_amount_idx;
