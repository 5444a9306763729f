-- Order history for the account page. A function so the page gets the last
-- 100 orders in one round trip.
create or replace function public.get_order_history(p_customer_id uuid)
returns setof public.orders
language sql
stable
security definer
set search_path = ''
as $$
  select o.*
  from public.orders o
  where o.customer_id = p_customer_id
  order by o.created_at desc
  limit 100;
$$;

create or replace function public.count_my_orders()
returns bigint
language sql
stable
security definer
as $$
  select count(*) from orders where customer_id = auth.uid();
$$;

grant execute on function public.get_order_history(uuid) to authenticated;
grant execute on function public.count_my_orders() to authenticated;
