create view public.message_counts
with (security_invoker = true)
as
  select author_id, count(*) as n from public.messages group by author_id;

create view public.latest_messages as
  select id, author_id, body from public.messages order by id desc limit 100;
