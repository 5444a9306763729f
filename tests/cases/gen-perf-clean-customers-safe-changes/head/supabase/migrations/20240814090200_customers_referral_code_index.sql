create unique index concurrently if not exists customers_referral_code_key
  on public.customers (referral_code);
