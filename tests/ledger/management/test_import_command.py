"""``relance import``: a summary when the file is imported, every bad line when it is not."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from relance.ledger.models import Customer, Invoice
from relance.ledger.services.companies import ensure_company
from tests.conftest import CUSTOMERS_CSV

RELANCE = Path(sys.executable).with_name("relance")


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import", *args, stdout=out, stderr=err, verbosity=0)
    return out.getvalue(), err.getvalue()


def test_a_good_file_is_imported_and_the_summary_printed(company, write_file):
    path = write_file("customers.csv", CUSTOMERS_CSV)
    out, err = run("customers", str(path))
    assert out == f"{path}: 3 customers read, 3 created, 0 updated, 0 unchanged\n"
    assert err == ""
    assert Customer.objects.count() == 3


def test_the_progress_bar_does_not_get_in_the_way_of_the_summary(company, write_file):
    path = write_file("customers.csv", CUSTOMERS_CSV)
    out = StringIO()
    call_command("import", "customers", str(path), stdout=out)
    assert out.getvalue().endswith(f"{path}: 3 customers read, 3 created, 0 updated, 0 unchanged\n")


def test_a_bad_file_raises_command_error_and_lists_every_bad_line_on_stderr(company, write_file):
    path = write_file("customers.csv", "code;name;email\nC001;Durand;\nC002;;\nC003;Petit;nope\n")
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import", "customers", str(path), stderr=err, verbosity=0)
    assert str(caught.value) == f"{path}: 2 error(s); nothing was imported"
    assert err.getvalue() == (
        f"{path}:3: name: required value is empty\n"
        f"{path}:4: email: 'nope' is not an e-mail address\n"
    )
    assert Customer.objects.count() == 0


def test_an_unreadable_file_is_reported_at_line_1(company, tmp_path):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import", "invoices", str(tmp_path / "missing.csv"), stderr=err)
    assert err.getvalue() == f"{tmp_path / 'missing.csv'}:1: *: no such file\n"


def test_full_on_invoices_settles_the_absent_ones_and_says_how_many(customers, write_file):
    header = "number;customer;issue_date;due_date;amount\n"
    run(
        "invoices",
        str(
            write_file(
                "all.csv",
                header
                + ("F-001;C001;2026-09-01;2026-10-01;100\nF-002;C002;2026-09-01;2026-10-01;50\n"),
            )
        ),
    )
    path = write_file("open.csv", header + "F-001;C001;2026-09-01;2026-10-01;100\n")
    out, _ = run("invoices", str(path), "--full")
    assert out == (
        f"{path}: 1 invoices read, 0 created, 0 updated, 1 unchanged, "
        "1 absent from the file marked as settled\n"
    )
    settled = Invoice.objects.get(number="F-002")
    assert (settled.open_amount, settled.settled_on) == (0, timezone.localdate())


def test_full_is_refused_for_anything_but_invoices(company, write_file):
    path = write_file("customers.csv", CUSTOMERS_CSV)
    with pytest.raises(CommandError, match=r"^--full applies to invoices only$"):
        run("customers", str(path), "--full")
    assert Customer.objects.count() == 0


def test_with_several_companies_the_command_asks_which_one(company, write_file):
    ensure_company("globex", "Globex")
    path = write_file("customers.csv", CUSTOMERS_CSV)
    with pytest.raises(CommandError) as caught:
        run("customers", str(path))
    assert str(caught.value) == (
        "several companies exist (acme, globex): choose one with --company"
    )
    run("customers", str(path), "--company", "globex")
    assert set(Customer.objects.values_list("company__code", flat=True)) == {"globex"}


def test_the_relance_console_script_fails_with_file_line_column_on_stderr(tmp_path):
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "EMAIL_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    environ["RELANCE_HOME"] = str(tmp_path / "home")

    def relance(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(RELANCE), *args],
            env=environ,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    init = relance("init", "--company", "acme", "--name", "ACME SAS")
    assert init.returncode == 0, init.stderr
    assert "company acme (ACME SAS) created" in init.stdout
    bad = tmp_path / "customers.csv"
    bad.write_text("code;name;email\nC001;Durand;\nC002;Martin;not-an-email\n")
    result = relance("import", "customers", str(bad))
    assert result.returncode != 0
    assert f"{bad}:3: email: 'not-an-email' is not an e-mail address" in result.stderr
    assert f"{bad}: 1 error(s); nothing was imported" in result.stderr
    assert result.stdout == ""
    bad.write_text("code;name\nC001;Durand\n")
    ok = relance("import", "customers", str(bad))
    assert (ok.returncode, ok.stdout) == (
        0,
        f"{bad}: 1 customers read, 1 created, 0 updated, 0 unchanged\n",
    )
