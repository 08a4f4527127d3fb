import pytest
from django.urls import reverse

from relance.dunning.models import Scenario
from relance.ledger.services.companies import ensure_company

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "b@example.com", "x"))
    return client


def scenario_form(company, levels):
    data = {
        "company": company.pk,
        "code": "std",
        "name": "Standard",
        "mode": "due_date",
        "min_total": "0",
        "position": "0",
        "levels-TOTAL_FORMS": str(len(levels)),
        "levels-INITIAL_FORMS": "0",
        "exclusions-TOTAL_FORMS": "0",
        "exclusions-INITIAL_FORMS": "0",
    }
    for index, (level, start, end) in enumerate(levels):
        data.update(
            {
                f"levels-{index}-level": str(level),
                f"levels-{index}-from_days": str(start),
                f"levels-{index}-to_days": str(end),
                f"levels-{index}-channels": '["email"]',
                f"levels-{index}-sender_role": "account_manager",
                f"levels-{index}-signature_role": "account_manager",
            }
        )
    return data


def test_the_admin_refuses_overlapping_windows_with_a_clear_message(staff):
    company = ensure_company("acme", "ACME")[0]
    response = staff.post(
        reverse("admin:dunning_scenario_add"), scenario_form(company, [(1, 1, 20), (2, 10, 30)])
    )
    assert response.status_code == 200
    # The admin speaks French unless the browser asks otherwise, and so do the engine's rules.
    page = response.content.decode()
    assert "les fenêtres du niveau 1 [1, 20] et du niveau 2 [10, 30] se chevauchent" in page
    assert not Scenario.objects.exists()


def test_the_admin_saves_a_sound_scenario(staff):
    company = ensure_company("acme", "ACME")[0]
    response = staff.post(
        reverse("admin:dunning_scenario_add"), scenario_form(company, [(1, 1, 14), (2, 15, 9999)])
    )
    assert response.status_code == 302
    assert [lv.level for lv in Scenario.objects.get().to_engine().levels] == [1, 2]


def test_a_level_with_a_bad_field_is_reported_not_a_crash(staff):
    company = ensure_company("acme", "ACME")[0]
    data = scenario_form(company, [(1, 1, 14), (2, 15, 9999)])
    data["levels-1-from_days"] = "soon"
    response = staff.post(reverse("admin:dunning_scenario_add"), data)
    assert response.status_code == 200
    assert not Scenario.objects.exists()
