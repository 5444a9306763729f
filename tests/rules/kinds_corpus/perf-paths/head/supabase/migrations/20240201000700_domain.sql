alter domain public.positive_amount add constraint positive check (value > 0);
