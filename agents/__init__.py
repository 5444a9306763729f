"""The reviewers: the shared finding model, rule registry, and one package per specialist."""
