"""The configuration screens: supervisors only, and only their company's objects."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relance.accounts.roles import COLLECTOR, SUPERVISOR, VIEWER
from relance.dunning.models import Group, Scenario
from tests.web.conftest import member

pytestmark = pytest.mark.django_db

PAGES = [
    ("web:config", {}),
    ("web:config-scenarios", {}),
    ("web:config-scenario-new", {}),
    ("web:config-scenario", {"code": "only-a"}),
    ("web:config-scenario-delete", {"code": "only-a"}),
    ("web:config-groups", {}),
    ("web:config-group-new", {}),
    ("web:config-group", {"code": "only-a"}),
    ("web:config-group-delete", {"code": "only-a"}),
    ("web:config-company", {}),
]
POSTS = [*PAGES, ("web:config-groups-recompute", {})]


@pytest.fixture
def a_only(world):
    """A scenario and a group that only company A has (both companies have "std")."""
    scenario = Scenario.objects.create(company=world.a, code="only-a", name="Only A")
    scenario.levels.create(level=1, from_days=1, to_days=10, channels=["email"])
    Group.objects.create(company=world.a, code="only-a", name="Only A", scenario=scenario)
    return scenario


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_a_supervisor_opens_every_configuration_screen(client, world, a_only, name, kwargs):
    client.force_login(world.users[SUPERVISOR])
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 200


@pytest.mark.parametrize("role", [COLLECTOR, VIEWER])
@pytest.mark.parametrize(("name", "kwargs"), POSTS)
def test_collectors_and_viewers_may_not_configure(client, world, a_only, role, name, kwargs):
    client.force_login(world.users[role])
    url = reverse(name, kwargs=kwargs)
    assert client.get(url).status_code in (403, 405)
    assert client.post(url, {"name": "hijacked", "legal_name": "hijacked"}).status_code == 403
    assert Scenario.objects.get(code="only-a").name == "Only A"
    assert Group.objects.filter(code="only-a").exists()


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, world, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "name",
    [
        "web:config-scenario",
        "web:config-group",
        "web:config-scenario-delete",
        "web:config-group-delete",
    ],
)
def test_a_supervisor_of_company_b_gets_not_found_for_company_a_objects(
    client, world, a_only, name
):
    client.force_login(member("bea", SUPERVISOR, world.b))
    url = reverse(name, kwargs={"code": "only-a"})
    assert client.get(url).status_code == 404
    assert client.post(url, {"code": "only-a", "name": "hijacked"}).status_code == 404
    assert Scenario.objects.get(code="only-a").name == "Only A"
    assert Group.objects.filter(code="only-a").exists()
    # Their own "std" opens: the code is looked up in the current company only.
    assert (
        client.get(reverse(name.replace("group", "scenario"), kwargs={"code": "std"})).status_code
        == 200
    )


def test_the_configuration_entry_is_in_the_navigation_of_supervisors_only(client, world):
    link = f'href="{reverse("web:config")}"'
    client.force_login(world.users[SUPERVISOR])
    assert link in client.get(reverse("web:home")).content.decode()
    for role in (COLLECTOR, VIEWER):
        client.force_login(world.users[role])
        assert link not in client.get(reverse("web:home")).content.decode()


def test_the_index_links_every_configuration_screen(client, world):
    client.force_login(world.users[SUPERVISOR])
    page = client.get(reverse("web:config")).content.decode()
    for name in (
        "web:config-scenarios",
        "web:config-groups",
        "web:templates",
        "web:config-company",
    ):
        assert f'href="{reverse(name)}"' in page
