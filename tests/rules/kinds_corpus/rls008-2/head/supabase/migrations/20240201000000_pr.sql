alter policy own on public.profiles using (auth.uid() = id);
