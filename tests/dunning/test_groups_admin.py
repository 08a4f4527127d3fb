"""The customer group admin: member counts, validation, and the recompute action."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relance.dunning.groups import recompute_groups
from relance.dunning.models import Group, GroupMembership, Scenario
from relance.dunning.services import ensure_default_scenarios
from relance.ledger.models import Customer
from relance.ledger.services.companies import ensure_company
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, django_user_model):
    """A superuser whose browser asks for English (the installation's default is French)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(django_user_model.objects.create_superuser("boss", "b@example.com", "x"))
    return client


@pytest.fixture
def acme(company):
    ensure_default_scenarios(company)
    return company


def group_form(company, **overrides):
    data = {
        "company": company.pk,
        "code": "people",
        "name": "Consumers",
        "priority": "10",
        "scenario": Scenario.objects.get(company=company, code="b2c").pk,
        "kinds": ["person"],
        "segments": "",
        "countries": "",
        "languages": "",
    }
    data.update(overrides)
    return data


def make_groups(company, count):
    scenario = Scenario.objects.get(company=company, code="b2c")
    for index in range(count):
        Group.objects.create(
            company=company, code=f"g{index}", name=f"G{index}", priority=index, scenario=scenario
        )


def test_the_list_shows_each_group_member_count_without_a_query_per_row(staff, acme):
    make_groups(acme, 2)
    Group.objects.filter(code="g1").update(segments=["Retail"])
    for code, segment in (("C1", ""), ("C2", ""), ("C3", "Retail")):
        Customer.objects.create(company=acme, code=code, name=code, segment=segment)
    recompute_groups(acme, TODAY)
    url = reverse("admin:dunning_group_changelist")
    with CaptureQueriesContext(connection) as few:
        page = staff.get(url).content.decode()
    assert '<td class="field-member_count">3</td>' in page
    assert '<td class="field-member_count">0</td>' in page
    scenario = Scenario.objects.get(company=acme, code="b2b")
    for index in range(2, 8):
        Group.objects.create(company=acme, code=f"g{index}", name="G", scenario=scenario)
    with CaptureQueriesContext(connection) as many:
        staff.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_admin_refuses_a_range_whose_upper_bound_is_below_its_lower_bound(staff, acme):
    response = staff.post(
        reverse("admin:dunning_group_add"),
        group_form(
            acme,
            min_total_due="500",
            max_total_due="100",
            min_oldest_overdue_days="90",
            max_oldest_overdue_days="30",
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The upper bound 100 is below the lower bound 500." in page
    assert "The upper bound 30 is below the lower bound 90." in page
    assert not Group.objects.exists()


def test_lists_are_typed_with_commas_and_stored_normalised(staff, acme):
    response = staff.post(
        reverse("admin:dunning_group_add"),
        group_form(acme, segments="Grand compte, PME,", countries="fr, be", languages="EN"),
    )
    assert response.status_code == 302
    stored = Group.objects.get()
    assert (stored.kinds, stored.segments) == (["person"], ["Grand compte", "PME"])
    assert (stored.countries, stored.languages) == (["FR", "BE"], ["en"])
    page = staff.get(reverse("admin:dunning_group_change", args=[stored.pk])).content.decode()
    assert 'value="Grand compte, PME"' in page


def test_an_unknown_country_or_a_scenario_of_another_company_is_refused(staff, acme):
    other = ensure_company("other", "Other")[0]
    ensure_default_scenarios(other)
    foreign = Scenario.objects.get(company=other, code="b2c")
    response = staff.post(
        reverse("admin:dunning_group_add"),
        group_form(acme, countries="FR, XX", scenario=foreign.pk),
    )
    page = response.content.decode()
    assert "Unknown country code: XX" in page
    assert "This scenario belongs to another company." in page
    assert not Group.objects.exists()


def test_the_recompute_action_recomputes_every_group_of_the_company(staff, acme):
    make_groups(acme, 2)
    Customer.objects.create(company=acme, code="C1", name="C1")
    response = staff.post(
        reverse("admin:dunning_group_changelist"),
        {
            "action": "recompute",
            "_selected_action": [Group.objects.get(code="g1").pk],
        },
    )
    assert response.status_code == 302
    assert GroupMembership.objects.get().group.code == "g0"
    assert Group.objects.filter(recomputed_at__isnull=True).count() == 0
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["Groups of acme recomputed: g0 1, g1 0"]
