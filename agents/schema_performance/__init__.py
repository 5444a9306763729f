"""The schema_performance specialist: RLS performance, indexes, locking, column types."""
