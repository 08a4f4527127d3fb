import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from relance.ledger.management.options import add_company_option, company_from_options, customer_of
from relance.runs.journal import entry_as_json, history


class Command(BaseCommand):
    help = "Show the dunning journal, newest first: every reminder sent or failed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customer", help="only this customer (code)")
        parser.add_argument("--format", choices=["table", "json"], default="table")
        add_company_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        company = company_from_options(options)
        code = options["customer"]
        if code:
            customer_of(company, code)
        entries = history(company, code)
        if options["format"] == "json":
            payload = {"entries": [entry_as_json(entry) for entry in entries.iterator()]}
            self.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False))
            return
        console = Console(file=self.stdout, width=140)  # type: ignore[arg-type]
        table = Table(title=_("Dunning journal"))
        for column in (
            _("date"),
            _("customer"),
            _("level"),
            _("channel"),
            _("status"),
            _("invoices"),
            _("total due"),
            _("user"),
        ):
            table.add_column(column)
        for entry in entries.iterator():
            table.add_row(
                entry.date.isoformat(),
                entry.customer.code,
                f"N{entry.level}",
                entry.channel,
                entry.get_status_display(),
                ", ".join(entry.invoices),
                f"{entry.total_due} {entry.currency}",
                entry.user.get_username() if entry.user else _("system"),
            )
        console.print(table)
