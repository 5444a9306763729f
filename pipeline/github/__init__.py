"""The GitHub side of architect-review: ``architect-review github``.

Run inside GitHub Actions, it reads the workflow's event, resolves the pull
request, loads its changed files and the trees around them through PyGithub,
runs the same review session as the CLI (:class:`pipeline.session.ReviewSession`)
and publishes it: one sticky comment, optional inline comments, the step
summary, annotations and action outputs.  The PR's files and trees come from
``pipeline.sources.github_pull`` and ``pipeline.sources.github_trees``, like
every other change source.

Modules, in the order a run touches them:

``settings``   the one frozen object built from the Actions environment
``events``     which PR a trigger is about, and whether to review it at all
``command``    the ``/architect`` comment command and its arguments
``client``     PyGithub set up by us, with our own retry/rate-limit policy
``publish``    the sticky comment and inline review comments (``PullRequestContext``)
``workflow``   step summary, annotations and outputs (workflow commands/files)
``entry``      ``add_arguments``/``run`` wired into ``pipeline.cli``
"""
