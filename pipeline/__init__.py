"""Orchestration and I/O: CLI, config, sources (git, diff, GitHub), routing, graph, rendering."""
