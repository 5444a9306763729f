-- "Full name" becomes "display name" in the new profile editor, and the
-- digest e-mails are sent in the user's language.
alter table public.profiles rename column full_name to display_name;

alter table public.profiles add column locale text not null;
