"""Tests of the review pipeline: diff, routing, graph, architect, rendering, CLI."""
