refresh materialized view public.account_totals;
