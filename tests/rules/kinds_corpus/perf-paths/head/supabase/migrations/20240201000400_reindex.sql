reindex index public.accounts_owner_id_idx;
