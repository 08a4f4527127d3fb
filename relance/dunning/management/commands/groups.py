from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from relance.dunning.groups import recompute_groups
from relance.dunning.models import Group
from relance.ledger.management.options import (
    add_as_of_option,
    add_company_option,
    as_of_from_options,
    company_from_options,
)
from relance.ledger.models import Customer


class Command(BaseCommand):
    help = "Recompute which group each customer belongs to and print each group's member count."

    def add_arguments(self, parser: CommandParser) -> None:
        add_as_of_option(parser, "the date the rules are evaluated at")
        add_company_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        company = company_from_options(options)
        as_of = as_of_from_options(options)
        counts = recompute_groups(company, as_of)
        groups = {
            group.code: group
            for group in Group.objects.filter(company=company).select_related("scenario")
        }
        console = Console(file=self.stdout, width=120)  # type: ignore[arg-type]
        table = Table(title=_("Customer groups on %(date)s") % {"date": as_of})
        for column in (_("priority"), _("group"), _("name"), _("scenario"), _("members")):
            table.add_column(column)
        for code, count in counts.items():
            group = groups[code]
            table.add_row(str(group.priority), code, group.name, group.scenario.code, str(count))
        console.print(table)
        customers = Customer.objects.filter(company=company).count()
        console.print(
            _("%(members)d of %(customers)d customer(s) in a group")
            % {"members": sum(counts.values()), "customers": customers}
        )
