"""Where a change comes from: every way a review gets its changed files and trees.

``diff``          a unified diff (``--diff FILE``), and diff parsing for all sources
``git``           a local git range (``--base --head``), with PR meaning (merge base)
``github_pull``   a pull request through the GitHub API (its files, patches, content)
``github_trees``  the base and head trees through the GitHub API (or the local checkout)

Each gives an :class:`agents.changes.Workspace`; the front ends
(``pipeline.cli``, ``pipeline.github.entry``) choose one and hand the workspace
to :class:`pipeline.session.ReviewSession`.
"""
