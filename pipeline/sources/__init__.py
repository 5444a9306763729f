"""Where a change comes from: a local git range or a diff file (GitHub lives in pipeline.github)."""
