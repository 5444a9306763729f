-- Renaming goes through an RPC so the nightly sync job (no user session) can
-- use the same code path as the app.
create or replace function public.rename_board(p_board_id uuid, p_name text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_owner uuid;
begin
  select b.owner_id into v_owner
  from public.boards b
  where b.id = p_board_id;

  if auth.uid() is not null and v_owner is distinct from auth.uid() then
    raise exception 'not allowed' using errcode = '42501';
  end if;

  update public.boards
     set name = p_name, updated_at = now()
   where id = p_board_id;
end;
$$;

create policy "Owners and the sync job read snapshots"
  on public.board_snapshots for select
  to anon, authenticated
  using (
    owner_id = (select auth.uid())
    or (select auth.uid()) is null
  );
