alter table public.events detach partition public.events_2023;
