alter function public.tok() security definer;
