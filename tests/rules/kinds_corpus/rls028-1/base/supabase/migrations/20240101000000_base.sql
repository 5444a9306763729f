create function public.tok() returns text language sql as $$ select decrypted_secret from vault.decrypted_secrets where name = 'edge_token' $$;
