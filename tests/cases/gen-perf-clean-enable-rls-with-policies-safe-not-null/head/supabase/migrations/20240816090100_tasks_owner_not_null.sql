-- Orphan tasks were deleted by the 2024-08-01 cleanup job.
alter table public.tasks validate constraint tasks_owner_id_not_null;

-- With the validated check in place SET NOT NULL skips the table scan.
alter table public.tasks alter column owner_id set not null;
alter table public.tasks drop constraint tasks_owner_id_not_null;
