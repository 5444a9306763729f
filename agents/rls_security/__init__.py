"""The rls_security specialist: RLS enablement and policies, grants, exposed
schemas, SECURITY DEFINER functions, views that bypass RLS, storage policies and
secrets, judged against the schema model before and after the PR."""
