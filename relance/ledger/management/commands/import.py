import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from relance.ledger.importing.errors import ImportRejected
from relance.ledger.importing.service import KINDS, import_table, open_import
from relance.ledger.management.options import add_company_option, company_from_options


class Command(BaseCommand):
    help = (
        "Import customers, invoices or payments from a CSV or XLSX file. The whole file is "
        "imported, or nothing when any line is wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", type=Path)
        add_company_option(parser)
        parser.add_argument(
            "--full",
            action="store_true",
            help="invoices: settle the open invoices absent from the file",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind, path = options["kind"], options["file"]
        if options["full"] and kind != "invoices":
            raise CommandError(_("--full applies to invoices only"))
        company = company_from_options(options)
        try:
            table = open_import(kind, path)
            with Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                transient=True,
                console=Console(stderr=True),
                disable=options["verbosity"] < 1 or not sys.stderr.isatty(),
            ) as progress:
                labels = {
                    "customers": _("customers"),
                    "invoices": _("invoices"),
                    "payments": _("payments"),
                }
                task = progress.add_task(f"{labels[kind]} {path.name}", total=table.total_lines)
                report = import_table(
                    company,
                    kind,
                    table,
                    today=timezone.localdate(),
                    full=options["full"],
                    on_progress=lambda done: progress.advance(task, done),
                )
        except ImportRejected as rejected:
            for line in rejected.lines():
                self.stderr.write(line)
            raise CommandError(str(rejected)) from rejected
        self.stdout.write(report.summary())
