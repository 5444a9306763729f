set statement_timeout = '5min';
reindex (concurrently) index public.account_totals_owner_idx;
