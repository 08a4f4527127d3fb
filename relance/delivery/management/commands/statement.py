from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from relance.delivery.models import Message, MessageState
from relance.delivery.statements import new_token, send_statement
from relance.ledger.management.options import add_company_option, company_from_options, customer_of
from relance.tasks.management.people import user_named


class Command(BaseCommand):
    help = "E-mail a customer the statement of its account now (all open invoices, PDF attached)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customer", required=True, metavar="CODE")
        parser.add_argument(
            "--user", metavar="USERNAME", help="who sends it (default: RELANCE_USER or login)"
        )
        add_company_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        company = company_from_options(options)
        customer = customer_of(company, options["customer"])
        user = user_named(options["user"])
        try:
            queued = send_statement(customer, token=new_token(), user=user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        for message in Message.objects.filter(pk__in=[m.pk for m in queued.messages]):
            line = _("Statement in %(currency)s to %(to)s: %(state)s.") % {
                "currency": message.currency,
                "to": ", ".join(message.recipients),
                "state": message.get_state_display(),
            }
            if message.state == MessageState.FAILED and message.last_error:
                line += f" {message.last_error}"
            self.stdout.write(line)
