"""Scenario services shared by the CLI, the admin and `relance init`."""

from __future__ import annotations

from pathlib import Path

from relance.dunning import scenario_file
from relance.dunning.models import Scenario
from relance.ledger.models import Company

DEFAULTS = Path(__file__).parent / "defaults" / "france.yaml"


def load_scenario_file(company: Company, path: Path) -> scenario_file.LoadReport:
    """Load every scenario of a YAML file, or none (ScenarioFileError lists the problems)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise scenario_file.ScenarioFileError([f"{path}:1: {exc}"]) from exc
    return scenario_file.load(company, scenario_file.parse(text, str(path)))


def ensure_default_scenarios(company: Company) -> bool:
    """Give a company without scenarios the shipped French B2B and B2C ones."""
    if Scenario.objects.filter(company=company).exists():
        return False
    load_scenario_file(company, DEFAULTS)
    return True
