"""The optional ``groups:`` list of the scenario file: checked, loaded with the scenarios (all
or nothing), exported back in canonical form."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from relance.dunning.models import Group, Scenario
from relance.dunning.scenario_file import ScenarioFileError, export, load, parse
from relance.dunning.services import ensure_default_scenarios
from relance.ledger.services.companies import ensure_company

pytestmark = pytest.mark.django_db

SCENARIOS = """\
scenarios:
  - code: b2b
    levels:
      - {level: 1, from_days: 1, to_days: 30, channels: [email]}
  - code: b2c
    mode: sequential
    levels:
      - {level: 1, from_days: 3, to_days: 30, channels: [email, sms]}
"""

GROUPS = """\
groups:
  - {code: particuliers, name: Consumers, priority: 10, scenario: b2c, kinds: [person]}
  - code: big-late
    name: Big and late
    priority: 20
    scenario: b2b
    segments: [Grand compte, PME]
    countries: [fr, BE]
    languages: [FR]
    min_total_due: 10000
    max_total_due: 500000.50
    min_oldest_overdue_days: 60
    max_oldest_overdue_days: 365
    min_late_payments: 2
"""


@pytest.fixture
def company():
    return ensure_company("acme", "ACME SAS")[0]


def errors_of(text: str) -> list[str]:
    with pytest.raises(ScenarioFileError) as caught:
        parse(text, "s.yaml")
    return caught.value.errors


def test_groups_load_with_the_scenarios_of_the_same_file(company):
    report = load(company, parse(SCENARIOS + GROUPS, "s.yaml"))
    assert (report.groups_created, report.groups_updated) == (["particuliers", "big-late"], [])
    consumers = Group.objects.get(code="particuliers")
    assert (consumers.name, consumers.priority, consumers.scenario.code) == ("Consumers", 10, "b2c")
    assert consumers.kinds == ["person"]
    rule = Group.objects.get(code="big-late").to_engine()
    assert rule.segments == frozenset({"Grand compte", "PME"})
    assert rule.countries == frozenset({"FR", "BE"})
    assert rule.languages == frozenset({"fr"})
    assert (rule.min_total_due, rule.max_total_due) == (Decimal("10000.00"), Decimal("500000.50"))
    assert (rule.min_oldest_overdue_days, rule.max_oldest_overdue_days) == (60, 365)
    assert rule.min_late_payments == 2


def test_omitted_keys_take_their_defaults(company):
    load(company, parse(SCENARIOS + "groups:\n  - {code: all, scenario: b2b}\n", "s.yaml"))
    rule = Group.objects.get(code="all")
    assert (rule.name, rule.priority, rule.kinds, rule.min_total_due) == ("all", 100, [], None)


def test_export_writes_the_groups_and_loading_it_back_gives_the_same_text(company):
    load(company, parse(SCENARIOS + GROUPS, "s.yaml"))
    first = export(company)
    assert first.endswith(
        "groups:\n"
        "  - {code: particuliers, name: Consumers, priority: 10, scenario: b2c, kinds: [person]}\n"
        "  - {code: big-late, name: Big and late, priority: 20, scenario: b2b, segments: "
        "[Grand compte, PME], countries: [FR, BE], languages: [fr], min_total_due: 10000.00, "
        "max_total_due: 500000.50, min_oldest_overdue_days: 60, max_oldest_overdue_days: 365, "
        "min_late_payments: 2}\n"
    )
    other = ensure_company("other", "Other SAS")[0]
    load(other, parse(first, "exported.yaml"))
    assert export(other) == first


def test_export_writes_no_groups_key_when_there_are_none(company):
    ensure_default_scenarios(company)
    assert "groups" not in export(company)


def test_a_file_of_groups_alone_follows_scenarios_already_loaded(company):
    ensure_default_scenarios(company)
    report = load(company, parse(GROUPS, "groups.yaml"))
    assert report.created == report.updated == []
    assert report.groups_created == ["particuliers", "big-late"]
    assert Scenario.objects.get(is_default=True).code == "b2b"


def test_loading_again_replaces_the_groups_it_names_and_leaves_the_others(company):
    load(company, parse(SCENARIOS + GROUPS, "a.yaml"))
    report = load(
        company, parse("groups:\n  - {code: particuliers, scenario: b2b, priority: 1}\n", "b.yaml")
    )
    assert (report.groups_created, report.groups_updated) == ([], ["particuliers"])
    replaced = Group.objects.get(code="particuliers")
    assert (replaced.scenario.code, replaced.priority, replaced.kinds) == ("b2b", 1, [])
    assert Group.objects.get(code="big-late").min_late_payments == 2


def test_group_errors_name_the_file_the_line_the_group_and_the_field():
    text = """\
scenarios: []
groups:
  - {code: people, scenario: b2c, kinds: [person, robot]}
  - code: ranges
    scenario: b2b
    colour: red
    min_total_due: 500
    max_total_due: 100
    min_oldest_overdue_days: 90
    max_oldest_overdue_days: 30
  - {code: typed, scenario: b2b, countries: FR, min_late_payments: two, max_total_due: lots}
  - {code: places, scenario: b2b, countries: [XX], languages: [klingon-xx], priority: -1}
  - {name: Nameless}
  - just a string
"""
    assert errors_of(text) == [
        "s.yaml:3: group people: kinds: Unknown kind(s) robot: use company, person",
        "s.yaml:4: group ranges: unknown key colour",
        "s.yaml:11: group typed: countries must be a list such as [a, b]",
        "s.yaml:11: group typed: min_late_payments must be a whole number",
        "s.yaml:11: group typed: max_total_due: 'lots' is not an amount",
        "s.yaml:12: group places: priority: Ensure this value is greater than or equal to 0.",
        "s.yaml:12: group places: countries: Unknown country code: XX",
        "s.yaml:12: group places: languages: Unknown language code: klingon-xx",
        "s.yaml:13: group: code is required",
        "s.yaml:13: group: scenario is required",
        "s.yaml: each group must be a mapping",
    ]
    # Ranges are checked by the same rules as the admin.
    ranges_only = "\n".join(text.splitlines()[:10]).replace("    colour: red\n", "")
    assert errors_of(ranges_only + "\n") == [
        "s.yaml:3: group people: kinds: Unknown kind(s) robot: use company, person",
        "s.yaml:4: group ranges: max_total_due: "
        "The upper bound 100.00 is below the lower bound 500.00.",
        "s.yaml:4: group ranges: max_oldest_overdue_days: "
        "The upper bound 30 is below the lower bound 90.",
    ]


def test_unknown_countries_and_languages_are_reported():
    text = "groups:\n  - {code: places, scenario: b2b, countries: [XX, fr], languages: [zz-qq]}\n"
    assert errors_of(text) == [
        "s.yaml:2: group places: countries: Unknown country code: XX",
        "s.yaml:2: group places: languages: Unknown language code: zz-qq",
    ]


def test_a_group_code_twice_and_groups_not_a_list_are_refused():
    twice = "groups:\n  - {code: a, scenario: b2b}\n  - {code: a, scenario: b2c}\n"
    assert errors_of(twice) == ["s.yaml: group a appears twice"]
    assert errors_of("scenarios: []\ngroups: {code: a}\n") == ["s.yaml: groups must be a list"]


def test_a_group_following_an_unknown_scenario_loads_nothing_at_all(company):
    text = SCENARIOS + "groups:\n  - {code: a, scenario: b2b}\n  - {code: b, scenario: gone}\n"
    with pytest.raises(ScenarioFileError) as caught:
        load(company, parse(text, "s.yaml"))
    assert caught.value.errors == ["s.yaml:11: group b: scenario: no scenario gone"]
    assert not Scenario.objects.exists()
    assert not Group.objects.exists()


def test_the_scenarios_command_loads_groups_or_prints_their_errors(company, tmp_path, capsys):
    good = tmp_path / "good.yaml"
    good.write_text(SCENARIOS + GROUPS)
    call_command("scenarios", "load", str(good))
    assert Group.objects.count() == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("groups:\n  - {code: c, scenario: b2b, min_total_due: 9, max_total_due: 1}\n")
    with pytest.raises(CommandError):
        call_command("scenarios", "load", str(bad))
    assert f"{bad}:2: group c: max_total_due: The upper bound" in capsys.readouterr().err
    assert Group.objects.count() == 2
