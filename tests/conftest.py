"""Fixtures shared by the whole suite: an isolated media/outbox folder, a company, files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from relance.ledger.importing.base import ImportReport
from relance.ledger.importing.service import import_file
from relance.ledger.models import Company, Invoice, Payment
from relance.ledger.services.companies import ensure_company
from tests.smtp import smtp_server  # noqa: F401  (a fixture for every e-mail test)

TODAY = date(2026, 11, 24)

CUSTOMERS_CSV = """code;name;email;country
C001;Durand SARL;compta@durand.example;FR
C002;Martin & Fils;factures@martin.example;BE
C003;Petit SA;;FR
"""

WriteFile = Callable[..., Path]
RunImport = Callable[..., ImportReport]


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path: Path) -> None:
    """Nothing a test does may write into the real data folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_FILE_PATH = tmp_path / "outbox"
    settings.RELANCE_HOME = tmp_path


@pytest.fixture(autouse=True)
def _sms_any_time(monkeypatch) -> None:
    """SMS leave at once whatever the hour the tests run; quiet hours have their own tests,
    with a fixed clock."""
    monkeypatch.setenv("SMS_QUIET_HOURS", "none")


@pytest.fixture(autouse=True)
def _english(monkeypatch) -> Iterator[None]:
    """Messages in English, whatever the installation's default language (French): tests
    assert the English wording; those about French use ``translation.override("fr")``.

    The ``relance`` command follows the terminal's locale: a test that runs it as a
    subprocess gets English too, unless it sets a locale variable of its own."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def company(db) -> Company:
    return ensure_company("acme", "ACME SAS")[0]


@pytest.fixture
def write_file(tmp_path: Path) -> WriteFile:
    """Write ``content`` (text, encoded as ``encoding``, or raw bytes) to ``tmp_path/name``."""

    def write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        data = content if isinstance(content, bytes) else content.encode(encoding)
        path.write_bytes(data)
        return path

    return write


@pytest.fixture
def run_import(company: Company) -> RunImport:
    """Import a file for the ``acme`` company as of ``TODAY``."""

    def run(kind: str, path: Path, *, full: bool = False, today: date = TODAY) -> ImportReport:
        return import_file(company, kind, path, today=today, full=full)

    return run


@pytest.fixture
def customers(company: Company, write_file: WriteFile, run_import: RunImport) -> Company:
    """The ``acme`` company with customers C001, C002 and C003 imported."""
    report = run_import("customers", write_file("customers.csv", CUSTOMERS_CSV))
    assert report.created == 3
    return company


def open_amounts(company: Company) -> dict[str, Decimal]:
    """Every invoice's open amount, by number."""
    return dict(Invoice.objects.filter(company=company).values_list("number", "open_amount"))


def unapplied_amounts(company: Company) -> dict[str, Decimal]:
    return dict(
        Payment.objects.filter(company=company).values_list("reference", "unapplied_amount")
    )
