import types
from datetime import date
from decimal import Decimal

from relance.demo.generator import DemoSpec, customer_rows, ledger_rows

SPEC = DemoSpec(customers=40, invoices=400, seed=3, as_of=date(2026, 11, 24))


def test_the_same_seed_gives_the_same_rows():
    assert list(customer_rows(SPEC)) == list(customer_rows(SPEC))
    assert list(ledger_rows(SPEC)) == list(ledger_rows(SPEC))


def test_another_seed_gives_other_rows():
    other = DemoSpec(customers=40, invoices=400, seed=4, as_of=SPEC.as_of)
    assert list(customer_rows(SPEC)) != list(customer_rows(other))
    assert list(ledger_rows(SPEC)) != list(ledger_rows(other))


def test_rows_are_streamed_one_at_a_time_not_built_in_memory():
    assert isinstance(customer_rows(SPEC), types.GeneratorType)
    huge = DemoSpec(customers=100_000, invoices=10_000_000, seed=1, as_of=SPEC.as_of)
    first = next(ledger_rows(huge))
    assert first[0]["number"]


def test_customers_mix_both_kinds_several_segments_and_languages():
    rows = list(customer_rows(SPEC))
    assert {row["kind"] for row in rows} == {"company", "person"}
    assert len({row["segment"] for row in rows}) >= 4
    assert len({row["code"] for row in rows}) == len(rows)


def test_invoices_show_every_behaviour_a_ledger_has():
    pairs = list(ledger_rows(SPEC))
    invoices = [invoice for invoice, _ in pairs]
    paid = {payment["invoice"]: payment for _, payments in pairs for payment in payments}
    assert any(invoice["kind"] == "credit_note" for invoice in invoices)
    assert any(invoice["disputed"] == "yes" for invoice in invoices)
    unpaid = [
        invoice
        for invoice in invoices
        if invoice["kind"] == "invoice" and invoice["number"] not in paid
    ]
    assert unpaid, "some invoices are never paid"
    late = [
        number
        for number, payment in paid.items()
        if payment["date"] > next(i["due_date"] for i in invoices if i["number"] == number)
    ]
    assert late, "some invoices are paid late"
    partial = [
        number
        for number, payment in paid.items()
        if Decimal(payment["amount"])
        < Decimal(next(i["amount"] for i in invoices if i["number"] == number))
    ]
    assert partial, "some invoices are paid in part"


def test_no_payment_is_dated_after_the_demo_date_or_before_its_invoice():
    for invoice, payments in ledger_rows(SPEC):
        for payment in payments:
            assert invoice["issue_date"] <= payment["date"] <= SPEC.as_of.isoformat()
