-- Security Advisor: "RLS disabled in public" on announcements.
alter table public.announcements enable row level security;
