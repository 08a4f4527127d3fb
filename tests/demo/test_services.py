from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from relance.demo.generator import DemoSpec
from relance.demo.services import DEMO_PASSWORD, DEMO_USER, demo_is_loaded, load_demo, reset_demo
from relance.ledger.models import Company, Contact, Customer, Invoice, Payment

SPEC = DemoSpec(customers=25, invoices=200, seed=5, as_of=date(2026, 11, 24))

pytestmark = pytest.mark.django_db


def test_the_demo_builds_a_valid_french_company_with_its_ledger(tmp_path):
    result = load_demo(SPEC, tmp_path)
    company = Company.objects.get(code="demo")
    company.full_clean()  # SIREN, SIRET, VAT, IBAN and BIC all pass their checksums
    assert result.company == company
    assert Customer.objects.filter(company=company).count() == 25
    assert Invoice.objects.filter(company=company).count() == 200
    assert Payment.objects.filter(company=company).exists()
    assert Contact.objects.filter(customer__company=company).exists()
    assert Invoice.objects.exclude(open_amount=0).filter(due_date__lt=SPEC.as_of).exists()
    assert (tmp_path / "invoices.csv").exists()


def test_loading_the_demo_twice_changes_nothing(tmp_path):
    load_demo(SPEC, tmp_path)
    before = sorted(Invoice.objects.values_list("number", "open_amount", "settled_on"))
    contacts = Contact.objects.count()
    result = load_demo(SPEC, tmp_path)
    assert [report.created for report in result.reports] == [0, 0, 0]
    assert [report.updated for report in result.reports] == [0, 0, 0]
    assert sorted(Invoice.objects.values_list("number", "open_amount", "settled_on")) == before
    assert Contact.objects.count() == contacts


def test_the_demo_user_can_log_in(tmp_path, client):
    load_demo(SPEC, tmp_path)
    user = get_user_model().objects.get(username=DEMO_USER)
    assert user.check_password(DEMO_PASSWORD)
    response = client.post(
        "/account/login/", {"username": DEMO_USER, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert "Ateliers Mercier" in response.content.decode()
    assert client.get("/admin/ledger/invoice/").status_code == 200


def test_the_demo_command_loads_data_and_prints_the_login(settings, tmp_path, capsys):
    settings.RELANCE_HOME = tmp_path
    call_command(
        "demo",
        "--customers",
        "10",
        "--invoices",
        "50",
        "--seed",
        "1",
        "--as-of",
        "2026-11-24",
        "--no-serve",
    )
    out = capsys.readouterr().out
    assert "log in as demo / demo" in out
    assert "50 invoices read, 50 created" in out
    assert Invoice.objects.count() == 50


def test_resetting_the_demo_removes_its_company_and_everything_in_it(tmp_path):
    load_demo(SPEC, tmp_path)
    assert demo_is_loaded()
    reset_demo()
    assert not demo_is_loaded()
    assert not Company.objects.filter(code="demo").exists()
    assert (Customer.objects.count(), Invoice.objects.count(), Payment.objects.count()) == (0, 0, 0)


def test_the_demo_command_keeps_an_existing_demo_and_rebuilds_it_on_reset(
    settings, tmp_path, capsys
):
    settings.RELANCE_HOME = tmp_path
    arguments = ["--customers", "5", "--invoices", "20", "--as-of", "2026-11-24", "--no-serve"]
    call_command("demo", *arguments)
    first = set(Invoice.objects.values_list("pk", flat=True))
    capsys.readouterr()
    call_command("demo", *arguments)
    assert "already loaded" in capsys.readouterr().out
    assert set(Invoice.objects.values_list("pk", flat=True)) == first
    call_command("demo", *arguments, "--reset")
    assert "20 invoices read, 20 created" in capsys.readouterr().out
    assert Invoice.objects.count() == 20
    assert not set(Invoice.objects.values_list("pk", flat=True)) & first
