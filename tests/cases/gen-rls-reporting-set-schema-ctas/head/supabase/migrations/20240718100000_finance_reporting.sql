-- Finance dashboard: move payout batches next to the other billing tables so
-- the dashboard can read them through the API, and keep a monthly revenue
-- snapshot per organization for the charts.
alter table staging.payout_batches set schema public;
grant select on public.payout_batches to authenticated;

create table public.org_monthly_revenue as
select
  i.organization_id,
  date_trunc('month', i.paid_at) as month,
  sum(i.amount_cents) as revenue_cents,
  count(*) as invoice_count
from public.invoices i
where i.status = 'paid'
group by 1, 2;

create index org_monthly_revenue_org_month_idx
  on public.org_monthly_revenue (organization_id, month);
