-- Signed contracts uploaded by customers and reviewed by the legal team.
insert into storage.buckets (id, name, public)
values ('contracts', 'contracts', false);

create policy "Signed-in users upload contracts"
  on storage.objects for insert
  to authenticated
  with check (bucket_id = 'contracts');

create policy "Signed-in users download contracts"
  on storage.objects for select
  to authenticated
  using (bucket_id = 'contracts');

-- Expense receipts are linked from the monthly report e-mails.
insert into storage.buckets (id, name, public)
values ('expense-receipts', 'expense-receipts', true);

-- Fuzzy search over contract titles.
create extension if not exists pg_trgm;

-- Nightly reminder for contracts that are still unsigned.
select cron.schedule(
  'contract-reminders',
  '0 6 * * *',
  $$
  select net.http_post(
    url := 'https://qwhfxtkzpbnmrlaoeuvd.supabase.co/functions/v1/contract-reminders',
    headers := jsonb_build_object(
      'Content-Type', 'application/json',
      'Authorization', 'Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InF3aGZ4dGt6cGJubXJsYW9ldXZkIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTcxNTAwMDAwMCwiZXhwIjoyMDMwNTc2MDAwfQ.Xk3pV9sQ2mT7bN4cR8wL1yF6hJ0dG5aZ3uE9iO2qK7s'
    ),
    body := '{}'::jsonb
  );
  $$
);
