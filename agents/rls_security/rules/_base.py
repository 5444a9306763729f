"""The base class of rls_security rules (fixes the specialist and the context type)."""

from __future__ import annotations

from typing import ClassVar

from agents.findings import Specialist
from agents.rules import Rule
from agents.sql.context import SqlRuleContext


class RlsRule(Rule[SqlRuleContext]):
    """An rls_security rule over one changed SQL file."""

    specialist: ClassVar[Specialist] = "rls_security"
