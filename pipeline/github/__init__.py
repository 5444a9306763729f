"""The GitHub side of architect-review: ``architect-review github``.

Run inside GitHub Actions, it reads the workflow's event, resolves the pull
request, loads its changed files and the trees around them through PyGithub,
runs the same review as the CLI and publishes it: one sticky comment,
optional inline comments, the step summary, annotations and action outputs.

Modules, in the order a run touches them:

``settings``   the one frozen object built from the Actions environment
``events``     which PR a trigger is about, and whether to review it at all
``command``    the ``/architect`` comment command and its arguments
``client``     PyGithub set up by us, with our own retry/rate-limit policy
``pull``       the PR's files as ``ChangedFile``s (patches, content at head)
``trees``      ``Tree`` implementations over the API and over a local checkout
``publish``    the sticky comment and inline review comments
``workflow``   step summary, annotations and outputs (workflow commands/files)
``entry``      ``add_arguments``/``run`` wired into ``pipeline.cli``
"""
