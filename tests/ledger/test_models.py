"""Ledger models: what ``clean()`` normalises, what the database refuses, how items read."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from relance.ledger.models import Allocation, Company, Contact, Customer, Invoice, Payment
from relance.ledger.models.invoice import InvoiceKind
from relance.ledger.services.companies import CompanyNotFound, ensure_company, resolve_company

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def make_invoice(company: Company, customer: Customer, number: str, **fields) -> Invoice:
    values = {
        "issue_date": date(2026, 10, 1),
        "due_date": date(2026, 10, 31),
        "amount": Decimal("100.00"),
        "open_amount": Decimal("100.00"),
        **fields,
    }
    return Invoice.objects.create(company=company, customer=customer, number=number, **values)


@pytest.fixture
def customer(company: Company) -> Customer:
    return Customer.objects.create(company=company, code="C001", name="Durand SARL")


def test_a_company_normalises_its_identifiers_when_cleaned():
    company = Company(
        code="acme",
        legal_name="ACME SAS",
        siren="732 829 320",
        siret="732 829 320 00074",
        vat_number="fr 40 303 265 045",
        iban="fr14 2004 1010 0505 0001 3m02 606",
        bic="bnpafrpp",
        country="fr",
        default_language="FR",
        default_currency="eur",
    )
    company.full_clean()
    assert (company.siren, company.siret, company.vat_number) == (
        "732829320",
        "73282932000074",
        "FR40303265045",
    )
    assert (company.iban, company.bic) == ("FR1420041010050500013M02606", "BNPAFRPP")
    assert (company.country, company.default_language, company.default_currency) == (
        "FR",
        "fr",
        "EUR",
    )


def test_a_company_reports_every_invalid_identifier_at_once():
    company = Company(
        code="acme", legal_name="ACME", siren="732829321", bic="BNPA", default_currency="EURO"
    )
    with pytest.raises(ValidationError) as caught:
        company.full_clean()
    assert caught.value.message_dict == {
        "siren": ["Invalid SIREN number: The number's checksum or check digit is invalid."],
        "bic": ["Invalid BIC: The number has an invalid length."],
        "default_currency": ["Unknown currency code: EURO"],
    }


def test_a_siret_must_belong_to_the_company_siren():
    company = Company(code="acme", legal_name="ACME", siren="732829320", siret="55208131766522")
    with pytest.raises(ValidationError) as caught:
        company.clean()
    assert caught.value.message_dict == {
        "siret": ["The SIRET must start with the company's SIREN."]
    }


def test_a_company_is_created_once_and_left_unchanged_afterwards(db):
    first, created = ensure_company("acme", "ACME SAS", siren="732829320")
    again, created_again = ensure_company("acme", "Another name")
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert (again.legal_name, again.siren) == ("ACME SAS", "732829320")
    assert str(again) == "ACME SAS (acme)"
    assert Company.objects.count() == 1


def test_a_company_with_an_invalid_identifier_is_not_created(db):
    with pytest.raises(ValidationError):
        ensure_company("acme", "ACME SAS", siren="732829321")
    assert Company.objects.count() == 0


def test_the_only_company_is_found_without_its_code(company):
    assert resolve_company(None) == company
    assert resolve_company("acme") == company


def test_asking_for_a_company_that_does_not_exist_names_the_known_ones(company):
    with pytest.raises(CompanyNotFound) as caught:
        resolve_company("globex")
    assert str(caught.value) == "no company with code 'globex' (known: acme)"


def test_without_any_company_the_user_is_told_to_run_init(db):
    with pytest.raises(CompanyNotFound) as caught:
        resolve_company(None)
    assert str(caught.value) == "no company yet: run `relance init --company CODE --name NAME`"


def test_with_several_companies_one_must_be_chosen(company):
    ensure_company("globex", "Globex")
    with pytest.raises(CompanyNotFound) as caught:
        resolve_company(None)
    assert str(caught.value) == "several companies exist (acme, globex): choose one with --company"


def test_a_customer_phone_is_stored_in_e164_read_in_the_customer_country(company):
    customer = Customer(
        company=company, code="B1", name="Martin", country="be", language="FR", phone="02 512 34 56"
    )
    customer.clean()
    assert (customer.country, customer.language, customer.phone) == ("BE", "fr", "+3225123456")


def test_a_customer_reports_every_invalid_field(company):
    customer = Customer(company=company, code="B1", name="Martin", country="XX", language="klingon")
    with pytest.raises(ValidationError) as caught:
        customer.clean()
    assert caught.value.message_dict == {
        "country": ["Unknown country code: XX"],
        "language": ["Unknown language code: klingon"],
    }
    customer = Customer(company=company, code="B1", name="Martin", phone="12")
    with pytest.raises(ValidationError) as caught:
        customer.clean()
    assert caught.value.message_dict == {"phone": ["Invalid phone number: 12"]}


def test_a_customer_code_is_unique_within_a_company_only(company, customer):
    other, _ = ensure_company("globex", "Globex")
    Customer.objects.create(company=other, code="C001", name="Elsewhere")
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.create(company=company, code="C001", name="Twice")
    assert str(customer) == "C001 \u2013 Durand SARL"


def test_a_contact_phone_is_read_in_its_customer_country(company):
    customer = Customer.objects.create(company=company, code="B1", name="Martin", country="BE")
    contact = Contact(customer=customer, name="Anne", phone="02 512 34 56")
    contact.clean()
    assert contact.phone == "+3225123456"
    assert str(contact) == "Anne (Billing)"
    contact.phone = "12"
    with pytest.raises(ValidationError) as caught:
        contact.clean()
    assert caught.value.message_dict == {"phone": ["Invalid phone number: 12"]}


def test_an_invoice_is_open_while_something_is_due_including_a_credit_note(company, customer):
    invoice = make_invoice(company, customer, "F-001")
    paid = make_invoice(company, customer, "F-002", open_amount=Decimal("0.00"))
    credit = make_invoice(
        company,
        customer,
        "AV-001",
        kind=InvoiceKind.CREDIT_NOTE,
        amount=Decimal("-30.00"),
        open_amount=Decimal("-30.00"),
    )
    assert (invoice.is_open, paid.is_open, credit.is_open) == (True, False, True)
    assert str(invoice) == "F-001"
    assert list(Invoice.objects.filter(company=company).values_list("number", flat=True)) == [
        "AV-001",
        "F-001",
        "F-002",
    ]


def test_an_invoice_number_is_unique_within_a_company(company, customer):
    make_invoice(company, customer, "F-001")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_invoice(company, customer, "F-001")


def test_a_customer_with_invoices_cannot_be_deleted(company, customer):
    from django.db.models import ProtectedError

    make_invoice(company, customer, "F-001")
    with pytest.raises(ProtectedError):
        customer.delete()


def test_a_payment_reference_is_unique_and_an_allocation_reads_naturally(company, customer):
    invoice = make_invoice(company, customer, "F-001")
    payment = Payment.objects.create(
        company=company,
        customer=customer,
        reference="VIR-1",
        date=date(2026, 11, 2),
        amount=Decimal("40.00"),
    )
    allocation = Allocation.objects.create(
        payment=payment, invoice=invoice, amount=Decimal("40.00")
    )
    assert str(allocation) == "VIR-1 → F-001: 40.00"
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            company=company,
            customer=customer,
            reference="VIR-1",
            date=date(2026, 11, 3),
            amount=Decimal("1.00"),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(payment=payment, invoice=invoice, amount=Decimal("1.00"))


def test_company_identifiers_typed_with_spaces_are_accepted_and_stored_compact(db):
    company = Company(
        code="spaces",
        legal_name="Spaces SAS",
        siren="732 829 320",
        siret="732 829 320 00074",
        iban="FR14 2004 1010 0505 0001 3M02 606",
    )
    company.full_clean()
    assert (company.siren, company.siret, company.iban) == (
        "732829320",
        "73282932000074",
        "FR1420041010050500013M02606",
    )


def test_a_customer_with_an_unknown_country_gets_one_error_on_the_country_not_the_phone(db):
    company = Company.objects.create(code="c1", legal_name="C1")
    customer = Customer(company=company, code="X", name="X", country="XX", phone="0142685300")
    with pytest.raises(ValidationError) as caught:
        customer.full_clean()
    assert set(caught.value.message_dict) == {"country"}
