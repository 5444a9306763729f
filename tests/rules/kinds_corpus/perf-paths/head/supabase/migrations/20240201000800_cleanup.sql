delete from public.invoices;
