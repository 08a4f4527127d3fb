from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from relance.delivery import services
from relance.ledger.management.options import add_company_option, company_from_options
from relance.runs.executing import progress
from relance.runs.management.lookup import run_of


class Command(BaseCommand):
    help = (
        "Send what is due in the outbox: with --run, first queue that run's approved actions "
        "(after a review); without, every pending message whose time has come."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--run", type=int, help="queue and send this run's approved actions")
        add_company_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        company = company_from_options(options)
        if options["run"] is not None:
            run = run_of(company, options["run"])
            queued = services.queue_run(run)
            for error in queued.errors:
                self.stderr.write(error)
        sent = services.worker_pass()
        self.stdout.write(
            _(
                "%(sent)d sent, %(retried)d to retry later, %(failed)d failed, "
                "%(uncertain)d found interrupted (uncertain)."
            )
            % {
                "sent": sent.sent,
                "retried": sent.retried,
                "failed": sent.failed,
                "uncertain": sent.uncertain,
            }
        )
        for error in sent.errors:
            self.stderr.write(error)
        if options["run"] is not None:
            outcome = progress(run)
            self.stdout.write(
                _("Run #%(id)s: %(done)d done, %(failed)d failed, %(waiting)d in the outbox.")
                % {
                    "id": run.pk,
                    "done": outcome.done,
                    "failed": outcome.failed,
                    "waiting": outcome.waiting,
                }
            )
