"""SQL understanding shared by the rls_security and schema_performance specialists:
parsing with pglast (``parse``), the typed catalogue (``model``), replay of the
migration history into it (``replay``) and the per-review analysis (``analysis``)."""
