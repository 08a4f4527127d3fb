import os
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.demo.generator import DemoSpec
from relance.demo.services import (
    DEMO_PASSWORD,
    DEMO_USER,
    demo_is_loaded,
    load_demo,
    reset_demo,
)
from relance.ledger.importing.errors import ImportRejected
from relance.mail.sink import LocalSmtp


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
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete the demo company and build it again (default: keep it when it exists)",
        )
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["customers"] < 1 or options["invoices"] < 0:
            raise CommandError(_("--customers must be at least 1 and --invoices at least 0"))
        call_command("migrate", interactive=False, verbosity=0)
        spec = DemoSpec(
            customers=options["customers"],
            invoices=options["invoices"],
            seed=options["seed"],
            as_of=options["as_of"] or timezone.localdate(),
        )
        sink = None
        if not os.environ.get("EMAIL_URL"):
            # Reminders travel over real SMTP, to a local server that keeps them as .eml files
            # in the outbox folder, as a company's mail server would receive them.
            outbox = getattr(
                settings, "EMAIL_FILE_PATH", settings.RELANCE_HOME / "outbox" / "email"
            )
            sink = LocalSmtp(Path(outbox)).start()
            sink.use()
            self.stdout.write(
                _("local SMTP server on %(host)s:%(port)s, e-mails kept in %(folder)s")
                % {"host": sink.host, "port": sink.port, "folder": sink.folder}
            )
        if options["reset"]:
            reset_demo()
        if demo_is_loaded():
            # Rebuilding around a new date would shift every invoice: keep what is there.
            self.stdout.write(_("the demo company is already loaded (--reset rebuilds it)"))
        else:
            self.stdout.write(
                _(
                    "loading the demo company (%(customers)d customers, %(invoices)d invoices, "
                    "seed %(seed)d, as of %(date)s)…"
                )
                % {
                    "customers": spec.customers,
                    "invoices": spec.invoices,
                    "seed": spec.seed,
                    "date": spec.as_of,
                }
            )
            try:
                result = load_demo(spec, settings.RELANCE_HOME / "demo")
            except ImportRejected as rejected:
                for line in rejected.lines():
                    self.stderr.write(line)
                raise CommandError(str(rejected)) from rejected
            for report in result.reports:
                self.stdout.write("  " + report.summary())
            self.stdout.write("  " + result.run.summary())
            self.stdout.write(_("demo files kept in %(folder)s") % {"folder": result.folder})
        self.stdout.write(
            self.style.SUCCESS(
                _("log in as %(user)s / %(password)s")
                % {"user": DEMO_USER, "password": DEMO_PASSWORD}
            )
        )
        try:
            if not options["no_serve"]:
                call_command("serve", host=options["host"], port=options["port"])
        finally:
            if sink is not None:
                sink.stop()
