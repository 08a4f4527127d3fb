"""Payments file: upsert by reference, each new or changed payment allocated to invoices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.ledger.importing.errors import ImportRejected
from relance.ledger.models import Allocation, Payment
from tests.conftest import open_amounts, unapplied_amounts

INVOICES = """number;customer;issue_date;due_date;amount;currency
F-003;C001;2026-10-01;2026-10-31;300;
F-001;C001;2026-09-01;2026-09-30;100;
F-002;C001;2026-09-15;2026-10-15;200;
F-010;C002;2026-09-01;2026-10-01;50;
F-011;C002;2026-09-01;2026-09-15;70;USD
AV-001;C001;2026-09-01;2026-09-01;-40;
"""
HEADER = "reference;customer;date;amount;invoice"
D = Decimal


@pytest.fixture
def ledger(customers, write_file, run_import):
    """Customers C001 (three invoices and a credit note) and C002 (one EUR, one USD invoice)."""
    run_import("invoices", write_file("invoices.csv", INVOICES))
    return customers


def payments_file(write_file, *lines: str, header: str = HEADER, name: str = "payments.csv"):
    return write_file(name, "\n".join([header, *lines]) + "\n")


def allocations() -> set[tuple[str, str, Decimal]]:
    return set(Allocation.objects.values_list("payment__reference", "invoice__number", "amount"))


def rejected_lines(run_import, path) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        run_import("payments", path)
    return caught.value.lines()


def test_a_partial_payment_lowers_the_open_amount_of_the_oldest_invoice(
    ledger, write_file, run_import
):
    path = payments_file(write_file, "VIR-1;C001;2026-11-02;60,00;")
    report = run_import("payments", path)
    assert report.summary() == (
        f"{path}: 1 payments read, 1 created, 0 updated, 0 unchanged, "
        "60.00 allocated to invoices, 0.00 left as unapplied credit"
    )
    assert open_amounts(ledger) == {
        "F-001": D("40.00"),
        "F-002": D("200.00"),
        "F-003": D("300.00"),
        "F-010": D("50.00"),
        "F-011": D("70.00"),
        "AV-001": D("-40.00"),
    }
    assert allocations() == {("VIR-1", "F-001", D("60.00"))}


def test_one_payment_settles_several_invoices_oldest_due_first(ledger, write_file, run_import):
    run_import("payments", payments_file(write_file, "VIR-1;C001;02/11/2026;1 250,00;"))
    amounts = open_amounts(ledger)
    assert (amounts["F-001"], amounts["F-002"], amounts["F-003"]) == (D("0"), D("0"), D("0"))
    assert amounts["AV-001"] == D("-40.00")
    assert allocations() == {
        ("VIR-1", "F-001", D("100.00")),
        ("VIR-1", "F-002", D("200.00")),
        ("VIR-1", "F-003", D("300.00")),
    }
    assert unapplied_amounts(ledger) == {"VIR-1": D("650.00")}
    payment = Payment.objects.get(reference="VIR-1")
    assert (payment.date, payment.amount, payment.currency) == (
        date(2026, 11, 2),
        D("1250.00"),
        "EUR",
    )
    settled = ledger.invoices.filter(number__in=["F-001", "F-002", "F-003"])
    assert set(settled.values_list("settled_on", flat=True)) == {date(2026, 11, 2)}


def test_a_payment_spread_over_two_invoices_leaves_the_later_one_partly_open(
    ledger, write_file, run_import
):
    run_import("payments", payments_file(write_file, "VIR-1;C001;2026-11-02;250;"))
    amounts = open_amounts(ledger)
    assert (amounts["F-001"], amounts["F-002"], amounts["F-003"]) == (
        D("0.00"),
        D("50.00"),
        D("300.00"),
    )
    assert allocations() == {("VIR-1", "F-001", D("100.00")), ("VIR-1", "F-002", D("150.00"))}


def test_a_payment_naming_an_invoice_settles_that_invoice_only(ledger, write_file, run_import):
    run_import(
        "payments",
        payments_file(
            write_file, "VIR-1;C001;2026-11-02;100;F-003", "VIR-2;C001;2026-11-03;250;F-002"
        ),
    )
    amounts = open_amounts(ledger)
    assert (amounts["F-001"], amounts["F-002"], amounts["F-003"]) == (
        D("100.00"),
        D("0.00"),
        D("200.00"),
    )
    assert allocations() == {("VIR-1", "F-003", D("100.00")), ("VIR-2", "F-002", D("200.00"))}
    assert unapplied_amounts(ledger) == {"VIR-1": D("0.00"), "VIR-2": D("50.00")}


def test_an_overpayment_is_left_as_unapplied_credit_on_the_payment(ledger, write_file, run_import):
    path = payments_file(write_file, "CHQ-7;C002;2026-11-05;80;")
    report = run_import("payments", path)
    assert (report.allocated, report.unapplied) == (D("50.00"), D("30.00"))
    assert open_amounts(ledger)["F-010"] == D("0.00")
    assert open_amounts(ledger)["F-011"] == D("70.00")  # another currency
    assert unapplied_amounts(ledger) == {"CHQ-7": D("30.00")}


def test_a_payment_in_another_currency_goes_to_invoices_in_that_currency(
    ledger, write_file, run_import
):
    header = "reference;customer;date;amount;currency"
    run_import("payments", payments_file(write_file, "W-1;C002;2026-11-05;100;usd", header=header))
    assert open_amounts(ledger)["F-011"] == D("0.00")
    assert open_amounts(ledger)["F-010"] == D("50.00")
    assert unapplied_amounts(ledger) == {"W-1": D("30.00")}


def test_two_payments_in_one_file_are_applied_one_after_the_other(ledger, write_file, run_import):
    run_import(
        "payments",
        payments_file(write_file, "VIR-1;C001;2026-11-02;60;", "VIR-2;C001;2026-11-03;60;"),
    )
    assert allocations() == {
        ("VIR-1", "F-001", D("60.00")),
        ("VIR-2", "F-001", D("40.00")),
        ("VIR-2", "F-002", D("20.00")),
    }


def test_importing_the_same_payments_again_changes_nothing(ledger, write_file, run_import):
    path = payments_file(write_file, "VIR-1;C001;2026-11-02;250;", "CHQ-7;C002;2026-11-05;80;")
    run_import("payments", path)
    before = (open_amounts(ledger), unapplied_amounts(ledger), allocations())
    report = run_import("payments", path)
    assert (report.rows, report.created, report.updated, report.unchanged) == (2, 0, 0, 2)
    assert (report.allocated, report.unapplied) == (D("0.00"), D("0.00"))
    assert (open_amounts(ledger), unapplied_amounts(ledger), allocations()) == before


def test_a_changed_payment_amount_is_allocated_again_from_scratch(ledger, write_file, run_import):
    run_import("payments", payments_file(write_file, "VIR-1;C001;2026-11-02;250;"))
    report = run_import("payments", payments_file(write_file, "VIR-1;C001;2026-11-02;120;"))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    amounts = open_amounts(ledger)
    assert (amounts["F-001"], amounts["F-002"], amounts["F-003"]) == (
        D("0.00"),
        D("180.00"),
        D("300.00"),
    )
    assert allocations() == {("VIR-1", "F-001", D("100.00")), ("VIR-1", "F-002", D("20.00"))}
    assert ledger.invoices.get(number="F-002").settled_on is None


def test_lowering_a_payment_reopens_the_invoice_it_had_settled(ledger, write_file, run_import):
    run_import("payments", payments_file(write_file, "VIR-1;C001;2026-11-02;100;"))
    assert ledger.invoices.get(number="F-001").settled_on == date(2026, 11, 2)
    run_import("payments", payments_file(write_file, "VIR-1;C001;2026-11-02;30;"))
    invoice = ledger.invoices.get(number="F-001")
    assert (invoice.open_amount, invoice.settled_on) == (D("70.00"), None)
    assert allocations() == {("VIR-1", "F-001", D("30.00"))}


def test_a_payment_moved_to_another_invoice_frees_the_first_one(ledger, write_file, run_import):
    run_import("payments", payments_file(write_file, "VIR-1;C001;2026-11-02;100;F-001"))
    run_import("payments", payments_file(write_file, "VIR-1;C001;2026-11-02;100;F-003"))
    amounts = open_amounts(ledger)
    assert (amounts["F-001"], amounts["F-003"]) == (D("100.00"), D("200.00"))
    assert allocations() == {("VIR-1", "F-003", D("100.00"))}


def test_a_payment_moved_to_another_customer_is_reallocated(ledger, write_file, run_import):
    run_import("payments", payments_file(write_file, "VIR-1;C001;2026-11-02;100;"))
    run_import("payments", payments_file(write_file, "VIR-1;C002;2026-11-02;100;"))
    amounts = open_amounts(ledger)
    assert (amounts["F-001"], amounts["F-010"]) == (D("100.00"), D("0.00"))
    assert unapplied_amounts(ledger) == {"VIR-1": D("50.00")}


def test_a_file_with_several_bad_lines_reports_each_and_changes_nothing(
    ledger, write_file, run_import
):
    run_import("payments", payments_file(write_file, "VIR-1;C001;2026-11-02;60;"))
    before = (open_amounts(ledger), unapplied_amounts(ledger), allocations())
    path = payments_file(
        write_file,
        "VIR-1;C001;2026-11-02;100;",
        "VIR-2;C404;2026-11-02;10;",
        "VIR-3;C001;2026-11-31;-5;",
        "VIR-4;C001;2026-11-02;0;",
        "VIR-2;C001;2026-11-02;10;",
        "VIR-5;C001;2026-11-02;10;F-999",
        "VIR-6;C001;2026-11-02;10;F-010",
        "VIR-7;C002;2026-11-02;10;F-011",
        name="bad.csv",
    )
    assert rejected_lines(run_import, path) == [
        f"{path}:3: customer: unknown customer 'C404' (import it in the customers file first)",
        f"{path}:4: date: '2026-11-31' is not a valid date",
        f"{path}:4: amount: a payment must be a positive amount",
        f"{path}:5: amount: a payment must be a positive amount",
        f"{path}:6: reference: 'VIR-2' already appears on line 3",
        f"{path}:7: invoice: unknown invoice 'F-999'",
        f"{path}:8: invoice: invoice 'F-010' belongs to another customer",
        f"{path}:9: invoice: invoice 'F-011' is in USD, the payment in EUR",
    ]
    assert (open_amounts(ledger), unapplied_amounts(ledger), allocations()) == before
    assert Payment.objects.count() == 1


def test_a_missing_required_column_is_reported_at_line_1(ledger, write_file, run_import):
    path = payments_file(write_file, "VIR-1;C001;60", header="reference;customer;amount")
    assert rejected_lines(run_import, path) == [
        f"{path}:1: date: required column is missing from the header"
    ]


def test_wrong_invoice_references_are_all_reported_across_chunks_in_file_order(
    ledger, write_file, run_import, monkeypatch
):
    from relance.ledger.importing import base, payments

    monkeypatch.setattr(base, "CHUNK_SIZE", 2)
    monkeypatch.setattr(payments, "CHUNK_SIZE", 2)
    path = payments_file(
        write_file,
        "P-1;C001;2026-11-02;10;F-001",
        "P-2;C001;2026-11-02;10;F-404",
        "P-3;C001;2026-11-02;10;",
        "P-4;C001;2026-11-02;ten;F-001",
        "P-5;C001;2026-11-02;10;F-405",
        "P-6;C002;2026-11-02;10;F-001",
        "P-7;C001;2026-11-02;10;F-406",
    )
    assert rejected_lines(run_import, path) == [
        f"{path}:3: invoice: unknown invoice 'F-404'",
        f"{path}:5: amount: 'ten' is not an amount",
        f"{path}:6: invoice: unknown invoice 'F-405'",
        f"{path}:7: invoice: invoice 'F-001' belongs to another customer",
        f"{path}:8: invoice: unknown invoice 'F-406'",
    ]
    assert Payment.objects.count() == 0
    assert open_amounts(ledger)["F-001"] == D("100.00")
