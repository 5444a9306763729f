create table public.subscribers (
  id uuid primary key default gen_random_uuid(),
  email text not null unique,
  status text not null default 'active' check (status in ('active', 'bounced', 'complained', 'unsubscribed')),
  updated_at timestamptz not null default now()
);

create table public.email_events (
  svix_id text primary key,
  event_type text not null,
  email text not null,
  received_at timestamptz not null default now()
);

alter table public.subscribers enable row level security;
alter table public.email_events enable row level security;
