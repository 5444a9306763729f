"""Turning a finished :class:`pipeline.review.Review` into Markdown or JSON."""
