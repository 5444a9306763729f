"""The data-flow layer of the Edge Function analysis: where request input goes.

An in-house, intraprocedural def-use interpreter over the tree-sitter tree
(see ``docs/edge-data-flow.md`` for why not semgrep).  It walks the request
handler statement by statement, gives every expression a set of *origins*
(request body, query string, path, header, a JWT decoded without
verification, the verified user's identity, a Supabase client…), follows
them through variables, destructuring, templates, string methods,
ternaries, ``??``, object literals and one level of calls into same-file and
``_shared`` helpers, applies the few explicit sanitisers as *checks* on the
origins, and records every call it evaluates with the origins of its
receiver and arguments.  Rules then ask questions of those call records.

- :mod:`.labels` — :class:`Origin` (where a value came from, which checks it passed);
- :mod:`.policy` — sources, sanitisers and identity: what Deno/Supabase calls mean;
- :mod:`.engine` — the statement/expression interpreter;
- :mod:`.facts` — :func:`flow_facts`: the analysis of one model, and the queries rules ask.
"""
