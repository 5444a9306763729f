create table public.direct_messages (id bigint primary key, sender_id uuid references auth.users, recipient_id uuid references auth.users, body text, read_at timestamptz);
alter table public.direct_messages enable row level security;
grant all on public.direct_messages to authenticated;
create policy mr on public.direct_messages for update to authenticated using (false);
