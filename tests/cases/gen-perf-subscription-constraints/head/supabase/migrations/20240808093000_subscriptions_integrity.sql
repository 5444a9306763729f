-- Data integrity for billing: every subscription must point at a real plan,
-- seat counts must be sane, and a user has at most one subscription.

alter table public.subscriptions
  alter column plan_id set not null;

alter table public.subscriptions
  add constraint subscriptions_plan_id_fkey
    foreign key (plan_id) references public.plans (id),
  add constraint subscriptions_seats_check
    check (seats between 1 and 500);

alter table public.subscriptions
  add constraint subscriptions_user_id_key unique (user_id);
