create table public.tags (
  id bigint generated always as identity primary key,
  label text not null,
);
alter table public.tags enable row level security;
