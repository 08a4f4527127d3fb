from datetime import date
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from relance.demo.generator import DemoSpec
from relance.demo.services import DEMO_PASSWORD, DEMO_USER, load_demo
from relance.ledger.importing.errors import ImportRejected


class Command(BaseCommand):
    help = "Load a realistic French demo company, then serve the web interface."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=60)
        parser.add_argument("--invoices", type=int, default=600)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=None,
            help="date the demo ledger is built around (default: today)",
        )
        parser.add_argument("--no-serve", action="store_true", help="load the data and stop")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["customers"] < 1 or options["invoices"] < 0:
            raise CommandError("--customers must be at least 1 and --invoices at least 0")
        call_command("migrate", interactive=False, verbosity=0)
        spec = DemoSpec(
            customers=options["customers"],
            invoices=options["invoices"],
            seed=options["seed"],
            as_of=options["as_of"] or timezone.localdate(),
        )
        self.stdout.write(
            f"loading the demo company ({spec.customers} customers, "
            f"{spec.invoices} invoices, seed {spec.seed}, as of {spec.as_of})…"
        )
        try:
            result = load_demo(spec, settings.RELANCE_HOME / "demo")
        except ImportRejected as rejected:
            for line in rejected.lines():
                self.stderr.write(line)
            raise CommandError(str(rejected)) from rejected
        for report in result.reports:
            self.stdout.write("  " + report.summary())
        self.stdout.write(f"demo files kept in {result.folder}")
        self.stdout.write(self.style.SUCCESS(f"log in as {DEMO_USER} / {DEMO_PASSWORD}"))
        if not options["no_serve"]:
            call_command("serve", host=options["host"], port=options["port"])
