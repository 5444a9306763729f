"""The model of one Edge Function source file, built once from its syntax tree.

Rules ask questions such as "which Supabase clients does this function create
and with which key?", "does the handler verify the caller's JWT?", "which
variables hold request input?" and "what status does this ``return`` send?".
Answering them once keeps each rule short and their answers consistent.  The
model is deliberately conservative: when something cannot be resolved (a
header object built elsewhere, a status held in a variable) it says "unknown"
(None) and rules stay silent rather than guess.

- :mod:`.function` — the :class:`EdgeFunctionModel` record and its basic queries;
- :mod:`.build` — :func:`build_model`: entry point, handler, request parameter;
- :mod:`.clients` — Supabase clients (``createClient``, factories, ``_shared`` imports);
- :mod:`.cors` — CORS headers and the ``OPTIONS`` preflight;
- :mod:`.http` — ``Response`` sites and statuses, outbound ``fetch`` calls;
- :mod:`.auth` — whether and how the function authenticates its caller;
- :mod:`.taint` — which variables hold request input.

Generic TypeScript facts (functions, declarations, parsing) live in :mod:`agents.ts`.
"""
