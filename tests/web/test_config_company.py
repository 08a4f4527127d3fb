"""The company settings page: the model's normalisation and rules, and members only as
signatories."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from relance.accounts.roles import SUPERVISOR
from relance.content.penalties import ensure_rates
from relance.ledger.models import Company
from relance.web.config_forms import CompanyForm
from tests.web.conftest import member
from tests.web.test_config_scenarios import next_to

pytestmark = pytest.mark.django_db

URL = reverse("web:config-company")
IBAN = "FR76 3000 6000 0112 3456 7890 189"


@pytest.fixture
def supervisor(client, world):
    client.force_login(world.users[SUPERVISOR])
    return client


def settings_of(company: Company, **changes) -> dict[str, object]:
    data = {
        key: ("" if value is None else value)
        for key, value in model_to_dict(company, fields=CompanyForm._meta.fields).items()
        if key != "logo"
    }
    data.update(changes)
    return data


def post(client, company, **changes):
    return client.post(URL, settings_of(company, **changes), HTTP_ACCEPT_LANGUAGE="en")


def test_the_page_shows_every_section(supervisor, world):
    page = supervisor.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for section in ("Identity and legal mentions", "Sender", "Payment details", "Penalties"):
        assert f"<legend>{section}</legend>" in page
    assert 'enctype="multipart/form-data"' in page


def test_identifiers_and_payment_details_are_stored_normalised(supervisor, world):
    response = post(
        supervisor,
        world.a,
        siren="732 829 320",
        iban=IBAN,
        bic="bnpa fr pp xxx",
        vat_number="FR 44 732829320",
        website="www.alpha.example",
        legal_basis="legitimate_interest",
        retention_years=5,
    )
    assert response.status_code == 302
    company = Company.objects.get(pk=world.a.pk)
    assert company.siren == "732829320"
    assert company.iban == "FR7630006000011234567890189"
    assert company.bic == "BNPAFRPPXXX"
    assert company.website == "https://www.alpha.example"
    assert (company.legal_basis, company.retention_years) == ("legitimate_interest", 5)


def test_a_bad_iban_is_refused_next_to_it(supervisor, world):
    response = post(supervisor, world.a, iban="FR76 3000 6000 0112 3456 7890 180")
    assert response.status_code == 400
    assert "IBAN" in next_to(response, "id_iban")
    assert next_to(response, "id_iban").count("\n") >= 1
    assert Company.objects.get(pk=world.a.pk).iban == ""


def test_a_bad_bic_is_refused_next_to_it(supervisor, world):
    response = post(supervisor, world.a, bic="NOT A BIC")
    assert response.status_code == 400
    assert (
        'class="errorlist'
        in response.content.decode().split('data-for="id_bic"')[1].split("data-for=")[0]
    )
    assert Company.objects.get(pk=world.a.pk).bic == ""


def test_a_rate_below_three_times_the_legal_rate_is_refused(supervisor, world):
    ensure_rates()
    response = post(supervisor, world.a, late_interest_rate="2.00")
    assert response.status_code == 400
    assert "below the legal minimum" in next_to(response, "id_late_interest_rate")
    assert Company.objects.get(pk=world.a.pk).late_interest_rate is None


def test_a_siret_of_another_siren_is_refused(supervisor, world):
    response = post(supervisor, world.a, siren="732829320", siret="55208131766522")
    assert "must start with the company's SIREN" in next_to(response, "id_siret")
    assert Company.objects.get(pk=world.a.pk).siren == ""


def test_only_members_of_the_company_are_offered_as_signatories(supervisor, world):
    stranger = world.users["outsider"]  # a member of company B only
    page = supervisor.get(URL).content.decode()
    head = page.split('data-for="id_head_of_accounts"')[1].split("data-for=")[0]
    assert f'value="{world.users[SUPERVISOR].pk}"' in head
    assert f'value="{stranger.pk}"' not in head
    response = post(supervisor, world.a, head_of_accounts=stranger.pk)
    assert response.status_code == 400
    assert "Select a valid choice" in next_to(response, "id_head_of_accounts")
    assert Company.objects.get(pk=world.a.pk).head_of_accounts is None


def test_a_member_is_saved_as_head_of_accounts_and_legal_department(supervisor, world):
    lawyer = member("lea", None, world.a)
    response = post(
        supervisor, world.a, head_of_accounts=world.users[SUPERVISOR].pk, legal_department=lawyer.pk
    )
    assert response.status_code == 302
    company = Company.objects.get(pk=world.a.pk)
    assert company.head_of_accounts == world.users[SUPERVISOR]
    assert company.legal_department == lawyer


def test_the_settings_change_only_the_current_company(supervisor, world):
    assert post(supervisor, world.a, legal_name="Alpha Group SAS").status_code == 302
    assert Company.objects.get(pk=world.a.pk).legal_name == "Alpha Group SAS"
    assert Company.objects.get(pk=world.b.pk).legal_name == "Beta SARL"
