alter function public.wipe(uuid) security definer;
