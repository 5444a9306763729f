-- Customer portal: account members can list their account's invoices.
create policy "Account members read invoices"
  on public.invoices
  for select
  to authenticated
  using (
    account_id in (
      select au.account_id
      from public.account_users au
      where au.user_id = (select auth.uid())
    )
  );
