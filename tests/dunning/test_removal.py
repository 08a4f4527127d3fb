"""Deleting a scenario or a group: refused while anything still follows the scenario."""

from __future__ import annotations

import pytest
from django.utils import translation

from relance.dunning.groups import recompute_groups
from relance.dunning.models import ExclusionWindow, Group, GroupMembership, Scenario, ScenarioLevel
from relance.dunning.removal import ScenarioInUse, delete_group, delete_scenario
from relance.dunning.scenario_file import load, parse
from relance.ledger.models import Company
from relance.ledger.services.companies import ensure_company
from relance.runs.executing import approve, execute, remove
from relance.runs.services import RunRequest, run_dunning
from tests.runs.conftest import AS_OF, SCENARIOS, customer, invoice

pytestmark = pytest.mark.django_db

SPARE = """\
scenarios:
  - code: spare
    levels:
      - {level: 1, from_days: 1, to_days: 400, channels: [email]}
    exclusions:
      - {from_days: 500, to_days: 600}
"""


@pytest.fixture
def company(db) -> Company:
    """A company whose default scenario is "std" (tests.runs.conftest)."""
    company = ensure_company("acme", "ACME SAS", sender_email="recouvrement@acme.example")[0]
    load(company, parse(SCENARIOS, "s.yaml"))
    return company


@pytest.fixture
def spare(company):
    load(company, parse(SPARE, "spare.yaml"))
    return Scenario.objects.get(company=company, code="spare")


def reasons(scenario: Scenario) -> list[str]:
    with translation.override("en"), pytest.raises(ScenarioInUse) as refused:
        delete_scenario(scenario)
    assert Scenario.objects.filter(pk=scenario.pk).exists()
    return refused.value.reasons


def test_an_unused_scenario_goes_with_its_levels_and_windows(spare):
    delete_scenario(spare)
    assert not Scenario.objects.filter(code="spare").exists()
    assert not ScenarioLevel.objects.filter(scenario_id=spare.pk).exists()
    assert not ExclusionWindow.objects.filter(scenario_id=spare.pk).exists()


def test_the_default_scenario_stays_until_another_is_the_default(company, spare):
    spare.is_default = True
    spare.save()
    Scenario.objects.filter(company=company).exclude(pk=spare.pk).update(is_default=False)
    assert reasons(spare) == [
        "It is the company's default scenario: make another scenario the default first."
    ]


def test_a_scenario_followed_by_groups_and_customers_names_them(company, spare):
    Group.objects.create(company=company, code="vip", name="VIP", scenario=spare)
    Group.objects.create(company=company, code="big", name="Big", scenario=spare, priority=2)
    customer(company, "C1", scenario_code="spare")
    customer(company, "C2", scenario_code="spare")
    assert reasons(spare) == [
        "The groups big, vip follow it.",
        "2 customers follow it by its code.",
    ]


@pytest.fixture
def run(company, spare):
    """A run of "spare" waiting for review, whose customer no longer names the scenario."""
    who = customer(company, "C1", scenario_code="spare")
    invoice(who, "F1", 20)
    run = run_dunning(company, RunRequest(AS_OF, scenario="spare", review=True)).run
    who.scenario_code = ""
    who.save()
    return run


def test_a_scenario_stays_while_a_run_not_sent_yet_follows_it_and_goes_once_it_is(spare, run):
    assert reasons(spare) == ["1 reminder of a run not sent yet follows it."]
    approve(run.actions.all())
    execute(run)
    delete_scenario(spare)  # the journal keeps the code of what was sent
    assert not Scenario.objects.filter(code="spare").exists()


def test_a_removed_reminder_does_not_hold_the_scenario(spare, run):
    remove(run.actions.all(), "paid by phone")
    delete_scenario(spare)


def test_the_reasons_are_in_the_readers_language(company, spare):
    customer(company, "C1", scenario_code="spare")
    with translation.override("fr"), pytest.raises(ScenarioInUse) as refused:
        delete_scenario(spare)
    assert refused.value.reasons == ["1 client suit ce scénario par son code."]


def test_a_deleted_groups_members_join_the_next_group_they_match(company, spare):
    first = Group.objects.create(
        company=company, code="pme", name="PME", priority=1, scenario=spare, segments=["PME"]
    )
    Group.objects.create(company=company, code="all", name="All", priority=2, scenario=spare)
    for code in ("C1", "C2"):
        customer(company, code, segment="PME")
    recompute_groups(company, AS_OF)
    assert delete_group(first, AS_OF) == {"all": 2}
    assert set(GroupMembership.objects.values_list("group__code", flat=True)) == {"all"}
