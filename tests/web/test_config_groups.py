"""Customer groups on the configuration screens: the list with member counts, the editor, and
the recompute button."""

from __future__ import annotations

from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relance.accounts.roles import SUPERVISOR
from relance.dunning.groups import recompute_groups
from relance.dunning.models import Group, GroupMembership, Scenario
from tests.runs.conftest import AS_OF, customer
from tests.web.test_config_scenarios import next_to

pytestmark = pytest.mark.django_db

LIST = reverse("web:config-groups")
NEW = reverse("web:config-group-new")


@pytest.fixture
def supervisor(client, world):
    client.force_login(world.users[SUPERVISOR])
    return client


@pytest.fixture
def groups(world):
    std = Scenario.objects.get(company=world.a, code="std")
    pme = Group.objects.create(
        company=world.a, code="pme", name="PME", priority=10, scenario=std, segments=["PME"]
    )
    french = Group.objects.create(
        company=world.a, code="fr", name="France", priority=20, scenario=std, countries=["FR"]
    )
    for code in ("P1", "P2", "P3"):
        customer(world.a, code, segment="PME")
    customer(world.a, "X1", country="BE")
    recompute_groups(world.a, AS_OF)
    return pme, french


def group_fields(**changes):
    fields = {"code": "big", "name": "Big accounts", "priority": 5, "scenario": ""}
    fields.update(changes)
    return fields


def test_the_list_shows_groups_in_order_with_their_member_counts_in_one_query(
    supervisor, world, groups
):
    # A1 (French, no segment) is in "fr"; P1-P3 are in "pme" first; X1 in none.
    assert GroupMembership.objects.filter(group=groups[0]).count() == 3
    with CaptureQueriesContext(connection) as queries:
        page = supervisor.get(LIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    group_queries = [q for q in queries.captured_queries if "dunning_group" in q["sql"]]
    assert len(group_queries) == 1
    assert page.index('data-group="pme"') < page.index('data-group="fr"')
    pme_row = page.split('data-group="pme"')[1].split("</tr>")[0]
    fr_row = page.split('data-group="fr"')[1].split("</tr>")[0]
    assert 'data-members="3"' in pme_row
    assert "segment: PME" in pme_row
    assert 'data-members="1"' in fr_row
    assert "country: FR" in fr_row


def test_recompute_calls_the_groups_service_and_updates_the_counts(supervisor, world, groups):
    customer(world.a, "P4", segment="PME")
    response = supervisor.post(reverse("web:config-groups-recompute"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert GroupMembership.objects.filter(group=groups[0]).count() == 4
    page = supervisor.get(LIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Groups recomputed: 5 customer(s) in a group." in page
    assert 'data-members="4"' in page.split('data-group="pme"')[1].split("</tr>")[0]


def test_recompute_is_a_post(supervisor, world):
    assert supervisor.get(reverse("web:config-groups-recompute")).status_code == 405


def test_a_new_group_is_created_for_a_scenario_of_the_company(supervisor, world):
    std = Scenario.objects.get(company=world.a, code="std")
    response = supervisor.post(
        NEW, group_fields(scenario=std.pk, countries="fr, be", kinds=["company"])
    )
    assert response.status_code == 302
    group = Group.objects.get(company=world.a, code="big")
    assert group.countries == ["FR", "BE"]  # normalised by Group.clean
    assert group.kinds == ["company"]


def test_a_scenario_of_another_company_is_not_offered_nor_accepted(supervisor, world):
    theirs = Scenario.objects.get(company=world.b, code="std")
    page = supervisor.get(NEW).content.decode()
    assert f'value="{theirs.pk}"' not in page
    response = supervisor.post(NEW, group_fields(scenario=theirs.pk), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Select a valid choice" in next_to(response, "id_scenario")
    assert not Group.objects.filter(code="big").exists()


def test_an_upper_bound_below_the_lower_one_is_refused_next_to_it(supervisor, world):
    std = Scenario.objects.get(company=world.a, code="std")
    response = supervisor.post(
        NEW,
        group_fields(scenario=std.pk, min_total_due="500", max_total_due="100"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "below the lower bound" in next_to(response, "id_max_total_due")
    assert not Group.objects.filter(code="big").exists()


def test_an_unknown_country_is_refused_next_to_the_countries(supervisor, world):
    std = Scenario.objects.get(company=world.a, code="std")
    response = supervisor.post(
        NEW, group_fields(scenario=std.pk, countries="FR, Narnia"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "Narnia" in unescape(next_to(response, "id_countries"))
    assert not Group.objects.filter(code="big").exists()


def test_a_code_used_by_another_group_of_the_company_is_refused(supervisor, world, groups):
    std = Scenario.objects.get(company=world.a, code="std")
    response = supervisor.post(
        NEW, group_fields(code="pme", scenario=std.pk), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "already exists" in next_to(response, "id_code")
    assert Group.objects.filter(company=world.a).count() == 2


def test_an_existing_group_is_edited(supervisor, world, groups):
    std = Scenario.objects.get(company=world.a, code="std")
    url = reverse("web:config-group", kwargs={"code": "pme"})
    response = supervisor.post(url, group_fields(code="pme", name="SMEs", scenario=std.pk))
    assert response.status_code == 302
    assert Group.objects.get(company=world.a, code="pme").name == "SMEs"
