"""Recording a payment (new or edited, as the admin does) keeps open amounts exact."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.ledger.models import Allocation, Company, Customer, Invoice, Payment
from relance.ledger.models.invoice import InvoiceKind
from relance.ledger.services.allocation import Ledger, record_payment
from tests.conftest import open_amounts

D = Decimal
PAID_ON = date(2026, 11, 2)


@pytest.fixture
def durand(company: Company) -> Customer:
    return Customer.objects.create(company=company, code="C001", name="Durand")


@pytest.fixture
def martin(company: Company) -> Customer:
    return Customer.objects.create(company=company, code="C002", name="Martin")


def invoice(customer: Customer, number: str, due: date, amount: str, **fields) -> Invoice:
    return Invoice.objects.create(
        company=customer.company,
        customer=customer,
        number=number,
        issue_date=date(2026, 9, 1),
        due_date=due,
        amount=D(amount),
        open_amount=D(fields.pop("open_amount", amount)),
        **fields,
    )


@pytest.fixture
def invoices(durand: Customer, martin: Customer) -> None:
    invoice(durand, "F-002", date(2026, 10, 15), "200.00")
    invoice(durand, "F-001", date(2026, 9, 30), "100.00")
    invoice(durand, "F-000", date(2026, 9, 1), "80.00", open_amount="0.00")
    invoice(durand, "F-USD", date(2026, 8, 1), "50.00", currency="USD")
    invoice(durand, "AV-001", date(2026, 8, 1), "-40.00", kind=InvoiceKind.CREDIT_NOTE)
    invoice(martin, "F-010", date(2026, 8, 1), "60.00")


def pay(customer: Customer, amount: str, reference: str = "VIR-1", **fields) -> Payment:
    return record_payment(
        Payment(
            company=customer.company,
            customer=customer,
            reference=reference,
            date=PAID_ON,
            amount=D(amount),
            **fields,
        )
    )


def allocations() -> set[tuple[str, str, Decimal]]:
    return set(Allocation.objects.values_list("payment__reference", "invoice__number", "amount"))


def test_a_new_payment_settles_the_customer_oldest_open_invoices_in_its_currency(
    company, durand, invoices
):
    payment = pay(durand, "150.00")
    assert open_amounts(company) == {
        "F-000": D("0.00"),
        "F-001": D("0.00"),
        "F-002": D("150.00"),
        "F-USD": D("50.00"),
        "AV-001": D("-40.00"),
        "F-010": D("60.00"),
    }
    assert allocations() == {("VIR-1", "F-001", D("100.00")), ("VIR-1", "F-002", D("50.00"))}
    assert Invoice.objects.get(number="F-001").settled_on == PAID_ON
    assert Invoice.objects.get(number="F-002").settled_on is None
    payment.refresh_from_db()
    assert payment.unapplied_amount == D("0.00")


def test_what_exceeds_the_open_invoices_stays_on_the_payment(company, martin, invoices):
    payment = pay(martin, "100.00")
    payment.refresh_from_db()
    assert payment.unapplied_amount == D("40.00")
    assert open_amounts(company)["F-010"] == D("0.00")


def test_a_payment_naming_an_invoice_goes_to_it_alone(company, durand, invoices):
    payment = pay(durand, "250.00", invoice_number="F-002")
    assert allocations() == {("VIR-1", "F-002", D("200.00"))}
    assert open_amounts(company)["F-001"] == D("100.00")
    payment.refresh_from_db()
    assert payment.unapplied_amount == D("50.00")


def test_a_payment_naming_a_settled_invoice_stays_unapplied(company, durand, invoices):
    payment = pay(durand, "80.00", invoice_number="F-000")
    assert allocations() == set()
    payment.refresh_from_db()
    assert payment.unapplied_amount == D("80.00")


def test_editing_a_payment_undoes_its_allocations_before_applying_it_again(
    company, durand, invoices
):
    payment = pay(durand, "150.00")
    payment.amount = D("60.00")
    record_payment(payment)
    amounts = open_amounts(company)
    assert (amounts["F-001"], amounts["F-002"]) == (D("40.00"), D("200.00"))
    assert allocations() == {("VIR-1", "F-001", D("60.00"))}
    assert Invoice.objects.get(number="F-001").settled_on is None
    assert Payment.objects.count() == 1


def test_recording_an_unchanged_payment_again_leaves_the_ledger_as_it_was(
    company, durand, invoices
):
    payment = pay(durand, "150.00")
    before = (open_amounts(company), allocations())
    record_payment(Payment.objects.get(pk=payment.pk))
    assert (open_amounts(company), allocations()) == before


def test_a_payment_moved_to_another_customer_frees_the_first_customer_invoices(
    company, durand, martin, invoices
):
    payment = pay(durand, "100.00")
    payment.customer = martin
    record_payment(payment)
    amounts = open_amounts(company)
    assert (amounts["F-001"], amounts["F-010"]) == (D("100.00"), D("0.00"))
    assert Invoice.objects.get(number="F-001").settled_on is None
    assert allocations() == {("VIR-1", "F-010", D("60.00"))}


def test_a_payment_in_another_currency_pays_only_invoices_in_that_currency(
    company, durand, invoices
):
    pay(durand, "20.00", currency="USD")
    assert allocations() == {("VIR-1", "F-USD", D("20.00"))}


def test_the_ledger_applies_several_payments_in_memory_and_writes_once(company, durand, invoices):
    ledger = Ledger(company, [durand.pk])
    assert sorted(inv.number for inv in ledger.invoices.values()) == ["F-001", "F-002", "F-USD"]
    first = Payment.objects.create(
        company=company, customer=durand, reference="A", date=PAID_ON, amount=D("120.00")
    )
    second = Payment.objects.create(
        company=company, customer=durand, reference="B", date=PAID_ON, amount=D("200.00")
    )
    assert ledger.apply(first) == D("120.00")
    assert ledger.apply(second) == D("180.00")
    assert open_amounts(company)["F-002"] == D("200.00")  # not written yet
    ledger.save()
    amounts = open_amounts(company)
    assert (amounts["F-001"], amounts["F-002"]) == (D("0.00"), D("0.00"))
    second.refresh_from_db()
    assert second.unapplied_amount == D("20.00")
