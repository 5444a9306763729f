alter table public.profiles add column is_admin boolean default false;
