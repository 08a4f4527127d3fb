"""Import messages in the user's language: French and English, plurals included.

The file's column names (``amount``, ``customer``…) and the ``FILE:LINE: column:`` prefix are
never translated: they point at the file the user must fix.
"""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from relance.ledger.importing.base import ImportReport
from relance.ledger.importing.errors import ImportRejected, LineError
from tests.conftest import CUSTOMERS_CSV

INVOICES = "number;customer;issue_date;due_date;amount\n"


def rejection(run_import, kind, path) -> ImportRejected:
    with pytest.raises(ImportRejected) as caught:
        run_import(kind, path)
    return caught.value


@pytest.mark.parametrize(
    ("language", "reason", "verdict"),
    [
        ("en", "'ten' is not an amount", "{path}: 1 error(s); nothing was imported"),
        ("fr", "'ten' n'est pas un montant", "{path} : 1 erreur ; rien n'a été importé"),
    ],
)
def test_an_import_error_is_reported_in_the_active_language(
    customers, write_file, run_import, language, reason, verdict
):
    path = write_file("invoices.csv", INVOICES + "F-1;C001;2026-09-01;2026-10-01;ten\n")
    with translation.override(language):
        rejected = rejection(run_import, "invoices", path)
    # The prefix locates the cell in the file: only the reason is translated.
    assert rejected.lines() == [f"{path}:2: amount: {reason}"]
    assert str(rejected) == verdict.format(path=path)


def test_every_kind_of_reason_is_translated(customers, write_file, run_import):
    path = write_file(
        "invoices.csv",
        INVOICES
        + "F-1;C404;2026-09-01;2026-10-01;10\n"
        + "F-1;C001;31/09/2026;2026-10-01;10\n"
        + ";C001;2026-09-01;2026-08-01;-10\n",
    )
    with translation.override("fr"):
        rejected = rejection(run_import, "invoices", path)
    assert rejected.lines() == [
        f"{path}:2: customer: client 'C404' inconnu (importez-le d'abord avec le fichier des "
        "clients)",
        f"{path}:3: number: 'F-1' figure déjà à la ligne 2",
        f"{path}:3: issue_date: '31/09/2026' n'est pas une date valide",
        f"{path}:4: number: valeur obligatoire manquante",
        f"{path}:4: due_date: 2026-08-01 est antérieure à la date d'émission 2026-09-01",
    ]


def test_a_header_error_and_an_unreadable_file_are_translated(
    customers, write_file, run_import, tmp_path
):
    path = write_file("invoices.csv", "number;customer;number\nF-1;C001;F-1\n")
    with translation.override("fr"):
        header = rejection(run_import, "invoices", path)
        missing = rejection(run_import, "invoices", tmp_path / "missing.csv")
    assert header.lines()[:2] == [
        f"{path}:1: number: colonne présente deux fois dans l'en-tête",
        f"{path}:1: issue_date: colonne obligatoire absente de l'en-tête",
    ]
    assert missing.lines() == [f"{tmp_path / 'missing.csv'}:1: *: fichier introuvable"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "{path}: 3 invoices read, 3 created, 0 updated, 0 unchanged"),
        ("fr", "{path} : 3 factures lues, 3 créées, 0 mise à jour, 0 inchangée"),
    ],
)
def test_the_summary_is_one_line_in_the_active_language(
    customers, write_file, run_import, language, expected
):
    path = write_file(
        "invoices.csv",
        INVOICES + "".join(f"F-{n};C001;2026-09-01;2026-10-01;10\n" for n in (1, 2, 3)),
    )
    with translation.override(language):
        summary = run_import("invoices", path).summary()
    assert summary == expected.format(path=path)
    assert "\n" not in summary


def test_the_summary_agrees_with_each_kind_and_count_in_french():
    customers = ImportReport("customers", "clients.csv", rows=2, created=1, updated=1)
    invoices = ImportReport("invoices", "factures.csv", rows=600, created=600, settled=2)
    payments = ImportReport(
        "payments",
        "reglements.csv",
        rows=3,
        created=2,
        unchanged=1,
        allocated=Decimal("234.50"),
        unapplied=Decimal("0.00"),
    )
    with translation.override("fr"):
        assert customers.summary() == (
            "clients.csv : 2 clients lus, 1 créé, 1 mis à jour, 0 inchangé"
        )
        assert invoices.summary() == (
            "factures.csv : 600 factures lues, 600 créées, 0 mise à jour, 0 inchangée, "
            "2 absentes du fichier et marquées comme soldées"
        )
        assert payments.summary() == (
            "reglements.csv : 3 règlements lus, 2 créés, 0 mis à jour, 1 inchangé, "
            "234,50 imputés sur les factures, 0,00 laissés en crédit non lettré"
        )
    assert payments.summary() == (
        "reglements.csv: 3 payments read, 2 created, 0 updated, 1 unchanged, "
        "234.50 allocated to invoices, 0.00 left as unapplied credit"
    )


def test_the_summary_follows_the_language_active_when_it_is_made(customers, write_file, run_import):
    report = run_import("customers", write_file("clients.csv", CUSTOMERS_CSV))
    with translation.override("fr"):
        french = report.summary()
    assert french.endswith("clients.csv : 3 clients lus, 0 créé, 0 mis à jour, 3 inchangés")
    assert report.summary().endswith(
        "clients.csv: 3 customers read, 0 created, 0 updated, 3 unchanged"
    )


def _rejected(total: int, listed: int) -> ImportRejected:
    errors = [LineError("f.csv", line, "amount", "bad") for line in range(2, 2 + listed)]
    return ImportRejected("f.csv", errors, total)


@pytest.mark.parametrize(
    ("total", "french", "more"),
    [
        (1, "f.csv : 1 erreur ; rien n'a été importé", "f.csv: … et 1 autre erreur"),
        (2, "f.csv : 2 erreurs ; rien n'a été importé", "f.csv: … et 2 autres erreurs"),
    ],
)
def test_error_counts_take_the_plural_from_two_in_french(total, french, more):
    with translation.override("fr"):
        assert str(_rejected(total, 0)) == french
        assert _rejected(total + 1, 1).lines()[-1] == more
    with translation.override("en"):
        assert str(_rejected(total, 0)) == f"f.csv: {total} error(s); nothing was imported"
        assert _rejected(total + 1, 1).lines()[-1] == f"f.csv: … and {total} more error(s)"


def test_the_import_command_speaks_french(company, write_file):
    good = write_file("clients.csv", CUSTOMERS_CSV)
    bad = write_file("mauvais.csv", "code;name\nC001;\n")
    out, err = StringIO(), StringIO()
    with translation.override("fr"):
        call_command("import", "customers", str(good), stdout=out, verbosity=0)
        with pytest.raises(CommandError) as caught:
            call_command("import", "customers", str(bad), stderr=err, verbosity=0)
        with pytest.raises(CommandError, match=r"^--full ne s'applique qu'aux factures$"):
            call_command("import", "customers", str(good), "--full", verbosity=0)
    assert out.getvalue() == f"{good} : 3 clients lus, 3 créés, 0 mis à jour, 0 inchangé\n"
    assert err.getvalue() == f"{bad}:2: name: valeur obligatoire manquante\n"
    assert str(caught.value) == f"{bad} : 1 erreur ; rien n'a été importé"


def test_the_init_command_speaks_french(db):
    out = StringIO()
    with translation.override("fr"):
        call_command("init", "--company", "acme", "--name", "ACME SAS", stdout=out)
        call_command("init", "--company", "acme", stdout=out)
    assert out.getvalue().splitlines() == [
        "base de données prête",
        "société acme (ACME SAS) créée",
        "scénarios par défaut chargés : b2b (par défaut de la société), b2c",
        "65 modèles de relance chargés",
        "base de données prête",
        "société acme (ACME SAS) déjà existante, inchangée",
    ]
