"""The one entry point for imports, used by the CLI and the admin's import button alike."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.utils.translation import gettext as _

from relance.ledger.importing.base import Importer, ImportReport, ProgressCallback
from relance.ledger.importing.customers import CustomerImporter
from relance.ledger.importing.errors import ImportRejected, LineError
from relance.ledger.importing.invoices import InvoiceImporter
from relance.ledger.importing.payments import PaymentImporter
from relance.ledger.importing.reader import Table, UnreadableFile, open_table
from relance.ledger.models import Company

IMPORTERS: dict[str, type[Importer]] = {
    "customers": CustomerImporter,
    "invoices": InvoiceImporter,
    "payments": PaymentImporter,
}
KINDS = tuple(IMPORTERS)


def open_import(kind: str, path: Path, name: str | None = None) -> Table:
    """Open a file for ``kind``; an unreadable file is rejected like a bad line."""
    try:
        return open_table(path, IMPORTERS[kind].known_columns(), name)
    except UnreadableFile as exc:
        display = name or str(path)
        raise ImportRejected(display, [LineError(display, 1, "*", exc.reason)], 1) from exc


def import_table(
    company: Company,
    kind: str,
    table: Table,
    *,
    today: date,
    full: bool = False,
    on_progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import every row of ``table`` or none: raises ``ImportRejected`` listing each bad line."""
    if kind not in IMPORTERS:
        raise ValueError(
            _("unknown import kind %(kind)s; expected one of %(kinds)s")
            % {"kind": repr(kind), "kinds": ", ".join(KINDS)}
        )
    if full and kind != "invoices":
        raise ValueError(_("--full applies to invoices only"))
    if kind == "invoices":
        importer: Importer = InvoiceImporter(company, table.name, today, full=full)
    else:
        importer = IMPORTERS[kind](company, table.name, today)
    return importer.run(table, on_progress)


def import_file(
    company: Company,
    kind: str,
    path: Path,
    *,
    today: date,
    full: bool = False,
    name: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportReport:
    table = open_import(kind, path, name)
    return import_table(company, kind, table, today=today, full=full, on_progress=on_progress)
