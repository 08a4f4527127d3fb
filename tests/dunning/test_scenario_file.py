from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from relance.dunning.models import Scenario
from relance.dunning.scenario_file import ScenarioFileError, export, load, parse
from relance.dunning.services import DEFAULTS, ensure_default_scenarios
from relance.engine.scenario import Mode
from relance.ledger.services.companies import ensure_company

pytestmark = pytest.mark.django_db

DESIGN_EXAMPLE = """\
scenarios:
  - code: standard
    name: Standard B2B
    mode: due_date            # or sequential
    min_total: 10.00
    exclude_partially_paid: false
    levels:
      - {level: 1, from_days: -5, to_days: 10, channels: [email], review: false}
      - {level: 2, from_days: 11, to_days: 30, channels: [email, sms], review: false}
      - {level: 3, from_days: 31, to_days: 9999, channels: [email, letter], review: true,
         formal_notice: true, late_interest: true, recovery_indemnity: true}
    exclusions:
      - {from_days: 366, to_days: 99999}   # NA window
"""


@pytest.fixture
def company():
    return ensure_company("acme", "ACME SAS")[0]


def test_the_example_of_the_design_document_loads_with_its_defaults(company):
    report = load(company, parse(DESIGN_EXAMPLE, "scenarios.yaml"))
    assert (report.created, report.default) == (["standard"], "standard")
    scenario = Scenario.objects.get(company=company, code="standard").to_engine()
    assert scenario.mode == Mode.DUE_DATE
    assert scenario.min_total == Decimal("10.00")
    assert [(lv.level, lv.from_days, lv.to_days, lv.channels) for lv in scenario.levels] == [
        (1, -5, 10, ("email",)),
        (2, 11, 30, ("email", "sms")),
        (3, 31, 9999, ("email", "letter")),
    ]
    third = scenario.levels[2]
    assert (third.review, third.formal_notice, third.late_interest, third.recovery_indemnity) == (
        True,
        True,
        True,
        True,
    )
    assert [(w.from_days, w.to_days) for w in scenario.exclusions] == [(366, 99999)]


def test_export_then_load_then_export_gives_the_same_text(company):
    load(company, parse(DESIGN_EXAMPLE, "scenarios.yaml"))
    first = export(company)
    other = ensure_company("other", "Other SAS")[0]
    load(other, parse(first, "exported.yaml"))
    assert export(other) == first


def test_the_shipped_defaults_are_in_canonical_form(company):
    assert ensure_default_scenarios(company) is True
    assert ensure_default_scenarios(company) is False
    shipped = "".join(
        line for line in DEFAULTS.read_text().splitlines(keepends=True) if not line.startswith("#")
    )
    assert export(company) == shipped


def test_errors_name_the_file_the_line_and_the_scenario():
    text = """\
scenarios:
  - code: bad
    mode: sideways
    levels:
      - {level: 1, from_days: 1, to_days: 20, channels: [email, fax]}
      - {level: 2, from_days: 10, to_days: 30, channels: [email], colour: red}
"""
    with pytest.raises(ScenarioFileError) as caught:
        parse(text, "s.yaml")
    assert caught.value.errors == [
        "s.yaml:6: bad: level 2: unknown key colour",
        "s.yaml:2: bad: mode must be due_date or sequential",
    ]


def test_engine_rules_are_checked_when_loading():
    text = """\
scenarios:
  - code: seq
    mode: sequential
    levels:
      - {level: 2, from_days: 1, to_days: 20, channels: [email]}
  - code: overlap
    levels:
      - {level: 1, from_days: 1, to_days: 20, channels: [email]}
      - {level: 2, from_days: 10, to_days: 30, channels: [email]}
"""
    with pytest.raises(ScenarioFileError) as caught:
        parse(text, "s.yaml")
    assert caught.value.errors == [
        "s.yaml:2: seq: a sequential scenario needs a level 1",
        "s.yaml:6: overlap: windows of level 1 [1, 20] and level 2 [10, 30] overlap",
    ]


def test_a_yaml_syntax_error_points_at_its_line():
    with pytest.raises(ScenarioFileError) as caught:
        parse("scenarios:\n  - code: x\n    levels: [\n", "s.yaml")
    assert caught.value.errors[0].startswith("s.yaml:4:")


def test_a_refused_file_loads_nothing(company, tmp_path):
    ensure_default_scenarios(company)
    before = export(company)
    path = tmp_path / "s.yaml"
    path.write_text(DESIGN_EXAMPLE + "  - code: broken\n    levels: []\n")
    with pytest.raises(CommandError):
        call_command("scenarios", "load", str(path))
    assert export(company) == before


def test_loading_replaces_the_levels_of_a_scenario_with_the_same_code(company):
    load(company, parse(DESIGN_EXAMPLE, "a.yaml"))
    smaller = DESIGN_EXAMPLE.replace(
        "      - {level: 2, from_days: 11, to_days: 30, channels: [email, sms], review: false}\n",
        "",
    )
    report = load(company, parse(smaller, "b.yaml"))
    assert report.updated == ["standard"]
    assert [lv.level for lv in Scenario.objects.get(code="standard").to_engine().levels] == [1, 3]


def test_the_command_exports_to_a_file_and_loads_it_back(company, tmp_path, capsys):
    ensure_default_scenarios(company)
    target = tmp_path / "out.yaml"
    call_command("scenarios", "export", str(target))
    call_command("scenarios", "load", str(target))
    assert "0 scenario(s) created, 2 replaced; default: b2b" in capsys.readouterr().out


def test_init_gives_a_new_company_the_french_default_scenarios(capsys):
    call_command("init", "--company", "neuf", "--name", "Neuf SAS")
    codes = list(Scenario.objects.filter(company__code="neuf").values_list("code", "is_default"))
    assert codes == [("b2b", True), ("b2c", False)]
