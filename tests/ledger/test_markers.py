from django.db import connection
from django.test.utils import CaptureQueriesContext

from relance.ledger.models import Customer, Invoice
from relance.ledger.services.markers import refresh_markers

INVOICES = """number;customer;issue_date;due_date;amount
F1;C001;2026-09-01;2026-10-01;100.00
F2;C001;2026-09-01;2026-11-01;200.00
F3;C002;2026-09-01;2026-10-01;300.00
"""


def markers(company):
    return dict(Customer.objects.filter(company=company).values_list("code", "marker"))


def reminded(**levels):
    for number, level in levels.items():
        Invoice.objects.filter(number=number).update(reached_level=level)


def test_the_marker_is_the_highest_level_among_open_invoices(customers, write_file, run_import):
    run_import("invoices", write_file("i.csv", INVOICES))
    reminded(F1=3, F2=1, F3=2)
    Invoice.objects.filter(number="F3").update(open_amount=0)
    assert refresh_markers(customers) == 3
    assert markers(customers) == {"C001": 3, "C002": None, "C003": None}


def test_an_import_that_settles_invoices_lowers_the_marker_at_once(
    customers, write_file, run_import
):
    run_import("invoices", write_file("i.csv", INVOICES))
    reminded(F1=3, F2=1)
    refresh_markers(customers)
    without_f1 = "\n".join(line for line in INVOICES.splitlines() if not line.startswith("F1"))
    report = run_import("invoices", write_file("i2.csv", without_f1 + "\n"), full=True)
    assert report.settled == 1
    assert markers(customers)["C001"] == 1


def test_a_payment_import_that_settles_an_invoice_lowers_the_marker(
    customers, write_file, run_import
):
    run_import("invoices", write_file("i.csv", INVOICES))
    reminded(F1=3, F2=1)
    refresh_markers(customers)
    run_import(
        "payments",
        write_file("p.csv", "reference;customer;date;amount;invoice\nP1;C001;2026-11-20;100;F1\n"),
    )
    assert markers(customers)["C001"] == 1


def test_refreshing_costs_one_statement_whatever_the_number_of_customers(
    customers, write_file, run_import
):
    run_import("invoices", write_file("i.csv", INVOICES))
    reminded(F1=3)
    everyone = list(Customer.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        refresh_markers(customers, everyone)
    assert len(queries) == 1


def test_a_company_never_reminded_is_not_rewritten(customers, write_file, run_import):
    run_import("invoices", write_file("i.csv", INVOICES))
    assert refresh_markers(customers) == 0
