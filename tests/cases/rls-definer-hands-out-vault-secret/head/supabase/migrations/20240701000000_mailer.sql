create function public.mailer_api_key()
returns text
language sql
security definer
set search_path = ''
as $$
  select decrypted_secret from vault.decrypted_secrets where name = 'mailer_api_key';
$$;

create table public.outbox (
  id bigint generated always as identity primary key,
  recipient_id uuid not null references auth.users (id) on delete cascade,
  subject text not null
);
create index outbox_recipient_id_idx on public.outbox (recipient_id);
alter table public.outbox enable row level security;
create policy "recipients read their mail" on public.outbox for select to authenticated
  using ((select auth.uid()) = recipient_id);

create function public.outbox_notify()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform net.http_post(
    url := 'https://mailer.example.com/send',
    headers := jsonb_build_object('authorization', 'Bearer ' ||
      (select decrypted_secret from vault.decrypted_secrets where name = 'mailer_api_key')),
    body := jsonb_build_object('id', new.id)
  );
  return new;
end;
$$;

create trigger outbox_notify after insert on public.outbox
  for each row execute function public.outbox_notify();
