drop index if exists public.legacy_events_kind_idx;
drop table if exists public.legacy_events;
