"""The README documents every setting and gives the two commands; CI runs the second one."""

from __future__ import annotations

from pathlib import Path

from dashboard.config import settings_help

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_in_the_readme():
    missing = [name for name, _default, _help in settings_help() if f"`{name}`" not in README]
    assert not missing, f"settings missing from README.md: {missing}"


def test_readme_gives_the_two_commands_and_ci_runs_the_second():
    assert ".venv/bin/pip install -r requirements.txt && .venv/bin/python -m dashboard serve" in README
    assert "bash scripts/test.sh" in README
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
