alter role authenticated bypassrls;
