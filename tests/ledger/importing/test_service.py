"""The one entry point (CLI and admin alike): any file shape in, all rows or none written."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook

from relance.ledger.importing import base
from relance.ledger.importing.errors import ImportRejected
from relance.ledger.importing.service import import_file, import_table, open_import
from relance.ledger.models import Invoice
from tests.conftest import TODAY

# A customer ledger export as French ERPs produce it: our columns lost among theirs.
ERP_COLUMNS = [
    "Journal",
    "Code journal",
    "Date pièce",
    "N° pièce",
    "Compte général",
    "Compte collectif",
    "Libellé",
    "Libellé écriture",
    "Référence",
    "Mode de règlement",
    "Code TVA",
    "Taux TVA",
    "Montant HT",
    "Montant TVA",
    "Débit",
    "Crédit",
    "Solde",
    "Devise pièce",
    "Taux de change",
    "Etablissement",
    "Section analytique",
    "Axe analytique",
    "Code affaire",
    "Commercial",
    "Représentant",
    "Zone",
    "Famille client",
    "Catégorie tarifaire",
    "Dépôt",
    "Site",
    "Date création",
    "Date modification",
    "Utilisateur",
    "Lettrage",
    "Date lettrage",
    "Pointage",
    "Relance",
    "Niveau relance",
    "Date dernière relance",
    "Bloqué",
    "Note",
    "Statut",
    "Exercice",
    "Période",
]
INVOICE_HEADER = "number;customer;issue_date;due_date;amount\n"


def rejected_lines(run_import, kind, path) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        run_import(kind, path)
    return caught.value.lines()


def test_a_50_column_erp_export_in_xlsx_imports_our_columns_only(
    company, write_file, run_import, tmp_path
):
    run_import("customers", write_file("c.csv", "code;name\n411001;Durand\n411002;Martin\n"))
    header = [
        *ERP_COLUMNS[:20], "Customer", "Number", *ERP_COLUMNS[20:32], "Issue_Date", "Due_Date",
        *ERP_COLUMNS[32:], "Amount", "Open_Amount",
    ]  # fmt: skip
    assert len(header) == 50
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Grand livre clients"
    sheet.append(header)

    def row(number, customer, issued, due, amount, open_amount):
        ours = {"Customer": customer, "Number": number, "Issue_Date": issued, "Due_Date": due,
                "Amount": amount, "Open_Amount": open_amount}  # fmt: skip
        erp = {"Journal": "VE", "Compte collectif": 411000, "Code TVA": "C20", "Taux TVA": 0.2,
               "Date pièce": issued, "Libellé": f"Fact. {number}", "Montant HT": 9}  # fmt: skip
        return [ours.get(name, erp.get(name)) for name in header]

    sheet.append(row(20260001, 411001, datetime(2026, 9, 1), datetime(2026, 10, 1), 1234.56, None))
    sheet.append(row("F-0002", 411002.0, datetime(2026, 9, 2), datetime(2026, 10, 31), 1500, 500.5))
    sheet.append(row("AV-0001", 411002, datetime(2026, 9, 3), datetime(2026, 9, 3), -250, -250))
    sheet.append([None] * 50)
    path = tmp_path / "export_erp.xlsx"
    workbook.save(path)

    report = run_import("invoices", path)
    assert (report.rows, report.created) == (3, 3)
    invoices = {
        row.pop("number"): row
        for row in Invoice.objects.values(
            "number", "customer__code", "kind", "issue_date", "due_date", "amount", "open_amount"
        )
    }
    assert invoices == {
        "20260001": {
            "customer__code": "411001", "kind": "invoice", "issue_date": date(2026, 9, 1),
            "due_date": date(2026, 10, 1), "amount": Decimal("1234.56"),
            "open_amount": Decimal("1234.56"),
        },
        "F-0002": {
            "customer__code": "411002", "kind": "invoice", "issue_date": date(2026, 9, 2),
            "due_date": date(2026, 10, 31), "amount": Decimal("1500.00"),
            "open_amount": Decimal("500.50"),
        },
        "AV-0001": {
            "customer__code": "411002", "kind": "credit_note", "issue_date": date(2026, 9, 3),
            "due_date": date(2026, 9, 3), "amount": Decimal("-250.00"),
            "open_amount": Decimal("-250.00"),
        },
    }  # fmt: skip
    again = run_import("invoices", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_a_bad_cell_in_an_xlsx_file_is_reported_at_its_sheet_row(customers, tmp_path, run_import):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["number", "customer", "issue_date", "due_date", "amount"])
    sheet.append(["F-001", "C001", datetime(2026, 9, 1), datetime(2026, 10, 1), 100])
    sheet.append(["F-002", "C001", "soon", datetime(2026, 10, 1), 100.125])
    path = tmp_path / "invoices.xlsx"
    workbook.save(path)
    assert rejected_lines(run_import, "invoices", path) == [
        f"{path}:3: issue_date: 'soon' is not a date (use YYYY-MM-DD or DD/MM/YYYY)",
        f"{path}:3: amount: '100.125' has more than 2 decimal places for EUR",
    ]
    assert Invoice.objects.count() == 0


def test_a_bad_line_after_rows_already_written_in_chunks_rolls_everything_back(
    customers, write_file, run_import, monkeypatch
):
    monkeypatch.setattr(base, "CHUNK_SIZE", 2)
    lines = "".join(f"F-{n:03d};C001;2026-09-01;2026-10-01;10\n" for n in range(1, 6))
    bad = write_file("bad.csv", INVOICE_HEADER + lines + "F-006;C001;2026-09-01;2026-10-01;ten\n")
    assert rejected_lines(run_import, "invoices", bad) == [
        f"{bad}:7: amount: 'ten' is not an amount"
    ]
    assert Invoice.objects.count() == 0
    assert run_import("invoices", write_file("good.csv", INVOICE_HEADER + lines)).created == 5


def test_errors_beyond_the_listed_ones_are_counted(customers, write_file, run_import, monkeypatch):
    from relance.ledger.importing import errors

    monkeypatch.setattr(errors, "MAX_LISTED_ERRORS", 2)
    lines = "".join(f"F-{n};C404;2026-09-01;2026-10-01;10\n" for n in range(1, 6))
    path = write_file("bad.csv", INVOICE_HEADER + lines)
    with pytest.raises(ImportRejected) as caught:
        run_import("invoices", path)
    assert caught.value.total == 5
    assert caught.value.lines()[2:] == [f"{path}: … and 3 more error(s)"]
    assert str(caught.value) == f"{path}: 5 error(s); nothing was imported"


def test_the_file_may_be_reported_under_the_name_the_user_uploaded(company, write_file):
    path = write_file("tmp123.csv", "code;name\n;Durand\n")
    with pytest.raises(ImportRejected) as caught:
        import_file(company, "customers", path, today=TODAY, name="clients.csv")
    assert caught.value.lines() == ["clients.csv:2: code: required value is empty"]


def test_progress_is_reported_for_every_row_read(company, write_file):
    rows = "".join(f"C{n:04d};Customer {n}\n" for n in range(2500))
    table = open_import("customers", write_file("c.csv", "code;name\n" + rows))
    steps: list[int] = []
    report = import_table(company, "customers", table, today=TODAY, on_progress=steps.append)
    assert (report.created, steps) == (2500, [1000, 1000, 500])


def test_an_unknown_kind_or_full_on_anything_but_invoices_is_a_programming_error(
    company, write_file
):
    table = open_import("customers", write_file("c.csv", "code;name\nC1;Durand\n"))
    with pytest.raises(ValueError, match="unknown import kind 'suppliers'"):
        import_table(company, "suppliers", table, today=TODAY)
    with pytest.raises(ValueError, match="--full applies to invoices only"):
        import_table(company, "customers", table, today=TODAY, full=True)
