"""Invoices file: upsert by number, credit notes negative, ``--full`` settles the absent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.ledger.importing.errors import ImportRejected
from relance.ledger.models import Customer, Invoice
from tests.conftest import TODAY, open_amounts

HEADER = "number;customer;issue_date;due_date;amount;open_amount;kind"
FIELDS = (
    "customer__code",
    "kind",
    "issue_date",
    "due_date",
    "currency",
    "amount",
    "open_amount",
    "settled_on",
    "disputed",
    "disputed_since",
    "updated_at",
)


def stored(company) -> dict[str, dict]:
    rows = Invoice.objects.filter(company=company).values("number", *FIELDS)
    return {row.pop("number"): row for row in rows}


def invoices_file(write_file, *lines: str, header: str = HEADER, name: str = "invoices.csv"):
    return write_file(name, "\n".join([header, *lines]) + "\n")


def rejected_lines(run_import, path, **options) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        run_import("invoices", path, **options)
    return caught.value.lines()


def test_invoices_are_created_open_for_their_full_amount(customers, write_file, run_import):
    path = invoices_file(
        write_file,
        "F-001;C001;2026-09-01;2026-10-01;1 234,56;;",
        "F-002;C001;15/09/2026;15/10/2026;1.234,56;234,56;",
        "F-003;C002;2026-09-20;20/10/2026;99.90;0;",
    )
    report = run_import("invoices", path)
    assert report.summary() == f"{path}: 3 invoices read, 3 created, 0 updated, 0 unchanged"
    invoices = stored(customers)
    first = invoices["F-001"]
    assert (first["customer__code"], first["kind"], first["currency"]) == ("C001", "invoice", "EUR")
    assert (first["issue_date"], first["due_date"]) == (date(2026, 9, 1), date(2026, 10, 1))
    assert (first["amount"], first["open_amount"], first["settled_on"]) == (
        Decimal("1234.56"),
        Decimal("1234.56"),
        None,
    )
    second = invoices["F-002"]
    assert (second["issue_date"], second["due_date"]) == (date(2026, 9, 15), date(2026, 10, 15))
    assert (second["amount"], second["open_amount"]) == (Decimal("1234.56"), Decimal("234.56"))
    third = invoices["F-003"]
    assert (third["due_date"], third["open_amount"], third["settled_on"]) == (
        date(2026, 10, 20),
        Decimal("0.00"),
        TODAY,
    )


def test_a_comma_separated_file_with_quoted_decimal_commas_is_read(
    customers, write_file, run_import
):
    path = invoices_file(
        write_file,
        'F-001,C001,2026-09-01,2026-10-01,"1 234,56","1 000,00",invoice',
        header=HEADER.replace(";", ","),
    )
    run_import("invoices", path)
    assert open_amounts(customers) == {"F-001": Decimal("1000.00")}


@pytest.mark.parametrize(
    ("amount", "open_amount", "kind"),
    [
        ("-120,00", "-20,00", ""),
        ("120,00", "20,00", "credit_note"),
        ("-120,00", "20,00", "Credit_Note"),
    ],
)
def test_credit_notes_are_stored_negative_whichever_sign_the_file_uses(
    customers, write_file, run_import, amount, open_amount, kind
):
    path = invoices_file(
        write_file, f"AV-001;C001;2026-09-01;2026-09-01;{amount};{open_amount};{kind}"
    )
    run_import("invoices", path)
    credit = Invoice.objects.get(number="AV-001")
    assert (credit.kind, credit.amount, credit.open_amount) == (
        "credit_note",
        Decimal("-120.00"),
        Decimal("-20.00"),
    )


def test_open_amounts_outside_the_invoice_amount_are_refused(customers, write_file, run_import):
    path = invoices_file(
        write_file,
        "F-001;C001;2026-09-01;2026-10-01;100,00;100,01;",
        "F-002;C001;2026-09-01;2026-10-01;100,00;-5,00;invoice",
        "F-003;C001;2026-09-01;2026-10-01;-100,00;;invoice",
        "AV-001;C001;2026-09-01;2026-10-01;-50,00;-60,00;",
        "F-004;C001;2026-09-01;2026-10-01;100,00;100,00;",
    )
    assert rejected_lines(run_import, path) == [
        f"{path}:2: open_amount: 100.01 is not between 0 and the amount 100.00",
        f"{path}:3: open_amount: -5.00 is not between 0 and the amount 100.00",
        f"{path}:4: amount: negative amount on an invoice (use kind credit_note)",
        f"{path}:5: open_amount: larger than the credit note's amount",
    ]
    assert Invoice.objects.count() == 0


def test_a_file_with_several_bad_lines_reports_each_and_imports_nothing(
    customers, write_file, run_import
):
    run_import("invoices", invoices_file(write_file, "F-001;C001;2026-09-01;2026-10-01;100;;"))
    before = stored(customers)
    path = invoices_file(
        write_file,
        "F-001;C001;2026-09-01;2026-10-01;150;;",
        "F-002;C999;2026-09-01;2026-10-01;100;;",
        "F-003;C001;2026-02-30;31/12/2026;abc;;",
        "F-004;C001;2026-10-01;2026-09-01;1,234;;",
        ";C001;2026-09-01;2026-10-01;100;;facture",
        "F-005;C001;2026-09-01;2026-10-01;100;;",
        name="bad.csv",
    )
    assert rejected_lines(run_import, path) == [
        f"{path}:3: customer: unknown customer 'C999' (import it in the customers file first)",
        f"{path}:4: issue_date: '2026-02-30' is not a valid date",
        f"{path}:4: amount: 'abc' is not an amount",
        f"{path}:5: due_date: 2026-09-01 is before the issue date 2026-10-01",
        f"{path}:5: amount: '1,234' has more than 2 decimal places for EUR",
        f"{path}:6: number: required value is empty",
        f"{path}:6: kind: 'facture' is not one of invoice, credit_note",
    ]
    assert stored(customers) == before
    assert Customer.objects.count() == 3


def test_a_missing_required_column_is_reported_at_line_1(customers, write_file, run_import):
    path = invoices_file(
        write_file, "F-001;C001;2026-10-01;100", header="number;customer;due_date;montant"
    )
    assert rejected_lines(run_import, path) == [
        f"{path}:1: issue_date: required column is missing from the header",
        f"{path}:1: amount: required column is missing from the header",
    ]


def test_a_number_appearing_twice_in_a_file_is_refused(customers, write_file, run_import):
    path = invoices_file(
        write_file,
        "F-001;C001;2026-09-01;2026-10-01;100;;",
        "F-001;C002;2026-09-01;2026-10-01;200;;",
        "F-001;C002;2026-09-01;2026-10-01;300;;",
    )
    assert rejected_lines(run_import, path) == [
        f"{path}:3: number: 'F-001' already appears on line 2",
        f"{path}:4: number: 'F-001' already appears on line 2",
    ]


def test_a_currency_and_a_dispute_are_read(customers, write_file, run_import):
    header = "number;customer;issue_date;due_date;amount;currency;disputed"
    path = invoices_file(
        write_file,
        "F-001;C002;2026-09-01;2026-10-01;100;chf;oui",
        "F-002;C002;2026-09-01;2026-10-01;100;;",
        "F-003;C002;2026-09-01;2026-10-01;100;EURO;",
        header=header,
    )
    assert rejected_lines(run_import, path) == [
        f"{path}:4: currency: 'EURO' is not an ISO 4217 currency code"
    ]
    run_import(
        "invoices", invoices_file(write_file, *path.read_text().splitlines()[1:3], header=header)
    )
    invoices = stored(customers)
    assert (invoices["F-001"]["currency"], invoices["F-001"]["disputed"]) == ("CHF", True)
    assert invoices["F-001"]["disputed_since"] == TODAY
    assert (invoices["F-002"]["currency"], invoices["F-002"]["disputed"]) == ("EUR", False)


def test_importing_the_same_file_twice_changes_nothing(customers, write_file, run_import):
    path = invoices_file(
        write_file,
        "F-001;C001;2026-09-01;2026-10-01;100;40;",
        "F-002;C001;2026-09-01;2026-10-01;100;0;",
        "AV-001;C002;2026-09-01;2026-09-01;-30;;",
    )
    run_import("invoices", path)
    before = stored(customers)
    report = run_import("invoices", path, today=date(2026, 12, 1))
    assert (report.rows, report.created, report.updated, report.unchanged) == (3, 0, 0, 3)
    assert stored(customers) == before


def test_a_changed_amount_updates_the_invoice_and_keeps_what_payments_settled(
    customers, write_file, run_import
):
    run_import(
        "invoices",
        invoices_file(
            write_file,
            "F-001;C001;2026-09-01;2026-10-01;100;;",
            "F-002;C001;2026-09-01;2026-10-01;80;;",
        ),
    )
    payment = "reference,customer,date,amount,invoice\nP1,C001,2026-10-02,40,F-001\n"
    run_import("payments", write_file("payments.csv", payment))
    before = stored(customers)
    path = write_file(
        "changed.csv",
        (
            "number;customer;issue_date;due_date;amount\n"
            "F-001;C001;2026-09-01;2026-10-15;120\n"
            "F-002;C001;2026-09-01;2026-10-01;80\n"
        ),
    )
    report = run_import("invoices", path)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    after = stored(customers)
    assert (after["F-001"]["amount"], after["F-001"]["open_amount"]) == (
        Decimal("120.00"),
        Decimal("80.00"),
    )
    assert after["F-001"]["due_date"] == date(2026, 10, 15)
    assert after["F-001"]["updated_at"] > before["F-001"]["updated_at"]
    assert after["F-002"] == before["F-002"]


def test_a_blank_open_amount_means_the_amount_less_payments_not_the_last_file(
    customers, write_file, run_import
):
    run_import("invoices", invoices_file(write_file, "F-001;C001;2026-09-01;2026-10-01;100;60;"))
    run_import("invoices", invoices_file(write_file, "F-001;C001;2026-09-01;2026-10-01;100;;"))
    assert Invoice.objects.get(number="F-001").open_amount == Decimal("100.00")


def test_an_invoice_paid_in_full_by_the_erp_is_settled_on_the_import_day(
    customers, write_file, run_import
):
    run_import("invoices", invoices_file(write_file, "F-001;C001;2026-09-01;2026-10-01;100;;"))
    run_import("invoices", invoices_file(write_file, "F-001;C001;2026-09-01;2026-10-01;100;0;"))
    invoice = Invoice.objects.get(number="F-001")
    assert (invoice.open_amount, invoice.settled_on) == (Decimal("0.00"), TODAY)


def test_full_settles_the_open_invoices_absent_from_the_file(customers, write_file, run_import):
    run_import(
        "invoices",
        invoices_file(
            write_file,
            "F-001;C001;2026-09-01;2026-10-01;100;;",
            "F-002;C001;2026-09-01;2026-10-01;200;;",
            "F-003;C002;2026-09-01;2026-10-01;300;0;",
            "AV-001;C002;2026-09-01;2026-09-01;-30;;",
        ),
    )
    path = invoices_file(write_file, "F-001;C001;2026-09-01;2026-10-01;100;;", name="open.csv")
    report = run_import("invoices", path, full=True, today=date(2026, 11, 30))
    assert report.settled == 2
    assert report.summary() == (
        f"{path}: 1 invoices read, 0 created, 0 updated, 1 unchanged, "
        "2 absent from the file marked as settled"
    )
    assert open_amounts(customers) == {
        "F-001": Decimal("100.00"),
        "F-002": Decimal("0.00"),
        "F-003": Decimal("0.00"),
        "AV-001": Decimal("0.00"),
    }
    settled = dict(Invoice.objects.values_list("number", "settled_on"))
    assert settled == {
        "F-001": None,
        "F-002": date(2026, 11, 30),
        "F-003": TODAY,
        "AV-001": date(2026, 11, 30),
    }


def test_without_full_absent_invoices_stay_open(customers, write_file, run_import):
    run_import(
        "invoices",
        invoices_file(
            write_file,
            "F-001;C001;2026-09-01;2026-10-01;100;;",
            "F-002;C001;2026-09-01;2026-10-01;200;;",
        ),
    )
    run_import("invoices", invoices_file(write_file, "F-001;C001;2026-09-01;2026-10-01;100;;"))
    assert open_amounts(customers) == {"F-001": Decimal("100.00"), "F-002": Decimal("200.00")}


def test_a_rejected_full_import_settles_nothing(customers, write_file, run_import):
    run_import("invoices", invoices_file(write_file, "F-001;C001;2026-09-01;2026-10-01;100;;"))
    path = invoices_file(write_file, "F-002;C001;2026-09-01;2026-10-01;x;;")
    rejected_lines(run_import, path, full=True)
    assert open_amounts(customers) == {"F-001": Decimal("100.00")}


def test_an_invoice_settled_by_full_import_reopens_when_it_comes_back(
    company, customers, write_file, run_import
):
    header = "number,customer,issue_date,due_date,amount\n"
    first = write_file(
        "a.csv", header + "F1,C001,2026-01-01,2026-02-01,100\nF2,C001,2026-01-01,2026-02-01,50\n"
    )
    run_import("invoices", first)
    only_f1 = write_file("b.csv", header + "F1,C001,2026-01-01,2026-02-01,100\n")
    assert run_import("invoices", only_f1, full=True).settled == 1
    report = run_import("invoices", first)
    invoice = Invoice.objects.get(number="F2")
    assert (invoice.open_amount, invoice.settled_on) == (Decimal("50.00"), None)
    assert report.updated == 1
