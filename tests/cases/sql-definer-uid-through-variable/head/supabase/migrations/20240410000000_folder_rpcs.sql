create function public.archive_my_drafts()
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_caller uuid;
  v_count integer;
begin
  v_caller := auth.uid();
  if v_caller is null then
    raise exception 'sign in first';
  end if;
  update public.folders set archived = true
   where owner_id = v_caller and not archived;
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;

create function public.rename_my_folder(p_owner uuid, p_folder bigint, p_title text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_folder bigint;
begin
  p_owner := (select auth.uid());
  select id into v_folder from public.folders where id = p_folder and owner_id = p_owner;
  update public.folders set title = p_title where id = v_folder;
end;
$$;
