from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from relance.ledger.models import Customer, Invoice, Payment
from relance.ledger.services.companies import ensure_company

pytestmark = pytest.mark.django_db

CUSTOMERS_CSV = "code;name;kind;country\nC1;Dupont SARL;company;FR\nC2;Jean Martin;person;FR\n"


@pytest.fixture
def company():
    return ensure_company("acme", "ACME SAS")[0]


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-12345")
    client.force_login(user)
    return client


@pytest.fixture
def ledger(company):
    customer = Customer.objects.create(company=company, code="C1", name="Dupont SARL")
    for number, due, open_amount in (
        ("F-OLD", date(2020, 1, 31), "100.00"),
        ("F-NEW", date(2099, 1, 31), "50.00"),
        ("F-PAID", date(2020, 1, 31), "0.00"),
    ):
        Invoice.objects.create(
            company=company,
            customer=customer,
            number=number,
            issue_date=date(2020, 1, 1),
            due_date=due,
            amount=Decimal("100.00"),
            open_amount=Decimal(open_amount),
        )
    Invoice.objects.create(
        company=company,
        customer=customer,
        number="AV-OLD",
        kind="credit_note",
        issue_date=date(2020, 1, 1),
        due_date=date(2020, 1, 1),
        amount=Decimal("-20.00"),
        open_amount=Decimal("-20.00"),
    )
    return customer


@pytest.mark.parametrize("name", ["customer", "invoice", "payment", "company", "contact"])
def test_every_ledger_list_and_add_page_opens(staff, ledger, name):
    assert staff.get(reverse(f"admin:ledger_{name}_changelist")).status_code == 200
    assert staff.get(reverse(f"admin:ledger_{name}_add")).status_code == 200


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("overdue=yes", ["F-OLD"]),
        ("overdue=90%2B", ["F-OLD"]),
        ("overdue=no", ["F-NEW"]),
        ("open=no", ["F-PAID"]),
        ("q=Dupont&open=yes", ["AV-OLD", "F-NEW", "F-OLD"]),
    ],
)
def test_invoice_filters_find_what_a_credit_controller_asks_for(staff, ledger, query, expected):
    response = staff.get(reverse("admin:ledger_invoice_changelist") + "?" + query)
    shown = sorted(invoice.number for invoice in response.context["cl"].result_list)
    assert shown == expected


def test_the_customer_list_shows_total_due_and_overdue(staff, ledger):
    response = staff.get(reverse("admin:ledger_customer_changelist"))
    row = response.context["cl"].result_list[0]
    # The unused credit note lowers what is due but is never overdue itself.
    assert (row.total_due_sum, row.overdue_sum) == (Decimal("130.00"), Decimal("100.00"))


def test_the_import_button_imports_through_the_same_service(staff, company):
    upload = SimpleUploadedFile("clients.csv", CUSTOMERS_CSV.encode("cp1252"))
    response = staff.post(
        reverse("admin:ledger_customer_import"),
        {"company": company.pk, "file": upload},
        follow=True,
    )
    assert sorted(Customer.objects.values_list("code", "kind")) == [
        ("C1", "company"),
        ("C2", "person"),
    ]
    # The admin speaks French by default: so does the import's summary.
    assert "clients.csv : 2 clients lus, 2 créés" in response.content.decode().lower()


def test_a_refused_upload_lists_every_bad_line_and_imports_nothing(staff, company):
    bad = "code;name;country\nC1;;FR\nC2;Martin;ZZ\n"
    upload = SimpleUploadedFile("clients.csv", bad.encode())
    response = staff.post(
        reverse("admin:ledger_customer_import"), {"company": company.pk, "file": upload}
    )
    page = response.content.decode()
    assert "clients.csv:2: name: valeur obligatoire manquante" in page
    assert "clients.csv:3: country: Code pays inconnu : ZZ" in page
    assert Customer.objects.count() == 0


def test_saving_a_payment_in_the_admin_allocates_it(staff, ledger, company):
    response = staff.post(
        reverse("admin:ledger_payment_add"),
        {
            "company": company.pk,
            "customer": ledger.pk,
            "reference": "VIR-1",
            "date": "2026-11-20",
            "amount": "120.00",
            "currency": "EUR",
            "invoice_number": "",
            "allocations-TOTAL_FORMS": "0",
            "allocations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    payment = Payment.objects.get(reference="VIR-1")
    assert payment.unapplied_amount == Decimal("0.00")
    opens = dict(Invoice.objects.values_list("number", "open_amount"))
    assert opens == {
        "F-OLD": Decimal("0.00"),
        "F-NEW": Decimal("30.00"),
        "F-PAID": Decimal("0.00"),
        "AV-OLD": Decimal("-20.00"),
    }


def test_the_admin_speaks_french_by_default_and_english_on_request(staff, ledger):
    url = reverse("admin:ledger_invoice_changelist")
    assert "Reste à payer" in staff.get(url).content.decode()
    staff.post(reverse("set_language"), {"language": "en", "next": url})
    assert "Amount due" in staff.get(url).content.decode()


def test_allocations_are_listed_but_never_edited_by_hand(staff, ledger):
    assert staff.get(reverse("admin:ledger_allocation_changelist")).status_code == 200
    assert staff.get(reverse("admin:ledger_allocation_add")).status_code == 403
