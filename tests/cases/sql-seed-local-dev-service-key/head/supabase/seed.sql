-- Local development only: the worker calls the local functions gateway
-- with the key `supabase start` prints for every local project.
select vault.create_secret('http://kong:8000/functions/v1', 'worker_base_url');
select vault.create_secret(
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MjAwMDAwMDAwMH0.IipjSoplJSUAQYpaJQKP6N1kxu079g3t8HMM3g96W1k',
  'worker_key'
);
