"""Whether Claude takes part, and that rules-only runs never import the SDK."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import agents.llm
from agents.specialist import LlmSettings
from pipeline.config import Config
from pipeline.session import RULES_ONLY_NO_KEY, RULES_ONLY_NO_LLM, make_llm_reviewer

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "invoices-pr.diff"


def test_no_key_means_rules_only() -> None:
    assert make_llm_reviewer(Config(), {}, no_llm=False) == (None, RULES_ONLY_NO_KEY)
    assert make_llm_reviewer(Config(), {"ANTHROPIC_API_KEY": "  "}, no_llm=False)[0] is None


def test_no_llm_flag_wins_over_a_key() -> None:
    env = {"ANTHROPIC_API_KEY": "sk-test"}
    assert make_llm_reviewer(Config(), env, no_llm=True) == (None, RULES_ONLY_NO_LLM)


def test_key_builds_the_reviewer_with_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}
    sentinel = object()

    def fake_build(settings: LlmSettings, *, api_key: str, base_url: str | None) -> object:
        seen.update(settings=settings, api_key=api_key, base_url=base_url)
        return sentinel

    monkeypatch.setattr(agents.llm, "build_reviewer", fake_build)
    config = Config().with_overrides(model="claude-haiku-5-5")
    env = {"ANTHROPIC_API_KEY": "sk-test", "ANTHROPIC_BASE_URL": "http://127.0.0.1:9"}
    reviewer, status = make_llm_reviewer(config, env, no_llm=False)
    assert reviewer is sentinel
    assert status == "claude (claude-haiku-5-5)"
    assert seen["api_key"] == "sk-test"
    assert seen["base_url"] == "http://127.0.0.1:9"
    assert isinstance(seen["settings"], LlmSettings)
    assert seen["settings"].model == "claude-haiku-5-5"


def test_rules_only_run_does_not_import_anthropic() -> None:
    code = (
        "import sys\n"
        "from pipeline.cli import main\n"
        f"rc = main(['review', '--diff', {str(EXAMPLE)!r}, '--format', 'json', '--no-llm'])\n"
        "assert rc == 0, rc\n"
        "assert 'anthropic' not in sys.modules, 'anthropic imported in a rules-only run'\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def test_a_failing_client_falls_back_to_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(settings: LlmSettings, *, api_key: str, base_url: str | None) -> object:
        raise RuntimeError("no SDK")

    monkeypatch.setattr(agents.llm, "build_reviewer", broken)
    reviewer, status = make_llm_reviewer(Config(), {"ANTHROPIC_API_KEY": "k"}, no_llm=False)
    assert reviewer is None
    assert status == "rules only: LLM client failed to start (RuntimeError: no SDK)"
