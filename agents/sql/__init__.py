"""SQL understanding shared by the rls_security and schema_performance specialists.

- ``parse``: pglast parsing, statement spans and lines;
- ``model``: the typed catalogue (tables, policies, grants…);
- ``replay``: applying statements to a catalogue, in order;
- ``analysis``: ``analyse(workspace)`` → before/after catalogues and the PR's
  parsed SQL files (cached per review, base history cached by content hash);
- ``context``: ``SqlRuleContext``, the type every SQL rule receives;
- ``ast``: helpers over pglast JSON ASTs (names, constants, calls, queries);
- ``body``: the SQL inside function bodies (SQL and plpgsql), with file lines.
"""
