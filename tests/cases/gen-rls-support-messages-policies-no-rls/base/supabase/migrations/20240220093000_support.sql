create table public.tickets (
  id uuid primary key default gen_random_uuid(),
  customer_id uuid not null references auth.users (id) on delete cascade,
  subject text not null,
  status text not null default 'open',
  created_at timestamptz not null default now()
);

create index tickets_customer_id_idx on public.tickets (customer_id);

alter table public.tickets enable row level security;

create policy "Customers read their tickets"
  on public.tickets for select
  to authenticated
  using (customer_id = (select auth.uid()));

create table public.support_messages (
  id bigint generated always as identity primary key,
  ticket_id uuid not null references public.tickets (id) on delete cascade,
  author_id uuid not null references auth.users (id) on delete cascade,
  body text not null,
  created_at timestamptz not null default now()
);

create index support_messages_ticket_id_idx on public.support_messages (ticket_id);
create index support_messages_author_id_idx on public.support_messages (author_id);

create table public.ticket_attachments (
  id bigint generated always as identity primary key,
  ticket_id uuid not null references public.tickets (id) on delete cascade,
  storage_path text not null,
  created_at timestamptz not null default now()
);

create index ticket_attachments_ticket_id_idx on public.ticket_attachments (ticket_id);

alter table public.ticket_attachments enable row level security;

create policy "Customers read attachments of their tickets"
  on public.ticket_attachments for select
  to authenticated
  using (ticket_id in (select t.id from public.tickets t where t.customer_id = (select auth.uid())));
