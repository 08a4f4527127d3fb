import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from relance.content.penalties import plan_penalties
from relance.dunning.planning import NoScenario, build_plan, plan_as_json
from relance.engine.penalties import CENT, InvalidRateTable, MissingRate
from relance.ledger.management.options import (
    add_as_of_option,
    add_company_option,
    as_of_from_options,
    company_from_options,
)


class Command(BaseCommand):
    help = "Show who would be reminded on a date, and why others are left out. Writes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        add_as_of_option(parser)
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument("--scenario", help="only customers following this scenario")
        parser.add_argument("--customer", help="only this customer (code)")
        add_company_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        company = company_from_options(options)
        try:
            result = build_plan(
                company,
                as_of_from_options(options),
                scenario=options["scenario"],
                customer=options["customer"],
            )
        except NoScenario as exc:
            raise CommandError(str(exc)) from exc
        if options["format"] == "json":
            try:
                penalties = plan_penalties(company, result)
            except (MissingRate, InvalidRateTable) as exc:
                raise CommandError(str(exc)) from exc
            document = plan_as_json(result, penalties)
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
            return
        console = Console(file=self.stdout, width=120)  # type: ignore[arg-type]
        table = Table(title=_("Reminders proposed on %(date)s") % {"date": result.as_of})
        for column in (
            _("customer"),
            _("scenario"),
            _("level"),
            _("channels"),
            _("invoices"),
            _("total due"),
        ):
            table.add_column(column)
        for proposal in result.proposals:
            table.add_row(
                proposal.customer,
                proposal.scenario,
                f"N{proposal.level}",
                ", ".join(proposal.channels),
                str(len(proposal.items)),
                f"{proposal.total_due.quantize(CENT)} {proposal.currency}",
            )
        console.print(table)
        reasons: dict[str, int] = {}
        for exclusion in result.excluded:
            reasons[exclusion.reason] = reasons.get(exclusion.reason, 0) + 1
        summary = ", ".join(f"{reason}: {count}" for reason, count in sorted(reasons.items()))
        console.print(
            _("%(count)d proposal(s); left out: %(reasons)s")
            % {"count": len(result.proposals), "reasons": summary or "—"}
        )
