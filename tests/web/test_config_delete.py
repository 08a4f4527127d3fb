"""Deleting a scenario or a group from the configuration screens: a confirmation page that
says what stands in the way, then the same service for every caller."""

from __future__ import annotations

from html import unescape

import pytest
from django.urls import reverse

from relance.accounts.roles import SUPERVISOR
from relance.dunning.groups import recompute_groups
from relance.dunning.models import Group, GroupMembership, Scenario
from tests.runs.conftest import AS_OF

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(client, world):
    client.force_login(world.users[SUPERVISOR])
    return client


@pytest.fixture
def spare(world):
    scenario = Scenario.objects.create(company=world.a, code="spare", name="Spare")
    scenario.levels.create(level=1, from_days=1, to_days=10, channels=["email"])
    return scenario


def url(kind: str, code: str) -> str:
    return reverse(f"web:config-{kind}-delete", kwargs={"code": code})


def page(response) -> str:
    return unescape(response.content.decode())


def test_the_scenario_editor_links_to_its_delete_page(supervisor, spare):
    editor = supervisor.get(reverse("web:config-scenario", kwargs={"code": "spare"}))
    assert f'href="{url("scenario", "spare")}"' in editor.content.decode()
    assert (
        url("scenario", "x")
        not in supervisor.get(reverse("web:config-scenario-new")).content.decode()
    )


def test_an_unused_scenario_is_deleted_after_confirmation(supervisor, spare):
    confirm = supervisor.get(url("scenario", "spare"), HTTP_ACCEPT_LANGUAGE="en")
    assert confirm.status_code == 200
    assert "Delete the scenario spare?" in page(confirm)
    assert Scenario.objects.filter(code="spare").exists()  # a GET deletes nothing
    response = supervisor.post(url("scenario", "spare"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:config-scenarios")
    assert not Scenario.objects.filter(company__code="a", code="spare").exists()
    listing = supervisor.get(reverse("web:config-scenarios"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Scenario spare deleted." in page(listing)


def test_a_scenario_in_use_shows_why_and_has_no_delete_button(supervisor, world, spare):
    Group.objects.create(company=world.a, code="vip", name="VIP", scenario=spare)
    confirm = supervisor.get(url("scenario", "spare"), HTTP_ACCEPT_LANGUAGE="en")
    assert "The group vip follows it." in page(confirm)
    assert 'class="danger"' not in page(confirm)
    refused = supervisor.post(url("scenario", "spare"), HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 409
    assert "The group vip follows it." in page(refused)
    assert Scenario.objects.filter(code="spare").exists()


def test_the_same_code_in_another_company_is_left_alone(supervisor, world):
    supervisor.post(url("scenario", "std"))
    assert Scenario.objects.filter(company=world.b, code="std").exists()


def test_a_group_is_deleted_and_its_members_regrouped(supervisor, world, spare):
    narrow = Group.objects.create(
        company=world.a, code="fr", name="France", priority=1, scenario=spare, countries=["FR"]
    )
    Group.objects.create(company=world.a, code="all", name="All", priority=2, scenario=spare)
    recompute_groups(world.a, AS_OF)
    confirm = supervisor.get(url("group", "fr"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Its 1 member joins the next group whose rules it matches" in page(confirm)
    response = supervisor.post(url("group", "fr"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert not Group.objects.filter(pk=narrow.pk).exists()
    assert list(GroupMembership.objects.values_list("group__code", flat=True)) == ["all"]
    listing = supervisor.get(reverse("web:config-groups"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Group fr deleted; the groups are recomputed." in page(listing)
