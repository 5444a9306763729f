-- Product descriptions now live in the CMS and embeddings in a separate service.
alter table public.products drop column description;
alter table public.products drop column embeddings;
