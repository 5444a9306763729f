"""The base class of schema_performance SQL rules (fixes the specialist and the context type)."""

from __future__ import annotations

from typing import ClassVar

from agents.findings import Specialist
from agents.rules import Rule
from agents.schema_performance.context import PerfContext


class PerfRule(Rule[PerfContext]):
    """A schema_performance rule over one SQL file."""

    specialist: ClassVar[Specialist] = "schema_performance"
