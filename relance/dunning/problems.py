"""The engine's reasons a scenario cannot be used, in the reader's language (forms, admin).

The engine speaks English and marks its messages for the catalogue; the scenario file's
errors, read in a terminal next to the file and line, stay in English."""

from __future__ import annotations

from django.utils.translation import gettext

from relance.engine import scenario as engine


def translated(problem: engine.Problem) -> str:
    return gettext(problem.text) % (problem.values or {})


def scenario_errors(scenario: engine.Scenario) -> list[str]:
    return [translated(problem) for problem in engine.problems(scenario)]
