create table public.api_tokens (
  id bigint generated always as identity primary key,
  owner_id uuid not null,
  token_hash text not null
);
