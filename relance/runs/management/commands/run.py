from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from relance.dunning.planning import NoScenario
from relance.ledger.management.options import (
    add_as_of_option,
    add_company_option,
    as_of_from_options,
    company_from_options,
)
from relance.runs.services import RunRefused, RunRequest, run_dunning


class Command(BaseCommand):
    help = (
        "Run the dunning pass of a date: record one action per proposal and channel, send "
        "what needs no review. Running the same day again only picks up what changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_as_of_option(parser)
        parser.add_argument("--scenario", help="only customers following this scenario")
        parser.add_argument("--level", type=int, help="only proposals at this level")
        parser.add_argument(
            "--review", action="store_true", help="leave every action proposed, for review"
        )
        parser.add_argument(
            "--force", action="store_true", help="allow a date before the latest executed run"
        )
        add_company_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        company = company_from_options(options)
        request = RunRequest(
            as_of=as_of_from_options(options),
            scenario=options["scenario"],
            level=options["level"],
            review=options["review"],
            force=options["force"],
        )
        try:
            result = run_dunning(company, request)
        except (RunRefused, NoScenario) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(result.summary())
        for error in result.outcome.errors:
            self.stderr.write(error)
