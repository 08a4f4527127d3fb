from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.ledger.management.options import add_company_option, company_from_options, customer_of
from relance.notes.models import AnswerChannel
from relance.notes.services import add_note
from relance.tasks.management.people import user_named


class Command(BaseCommand):
    help = "Write an internal note on a customer, or record an answer the customer gave."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("text", help="what to write")
        parser.add_argument("--customer", required=True, metavar="CODE")
        parser.add_argument(
            "--answer", action="store_true", help="a customer answer rather than a note"
        )
        parser.add_argument(
            "--channel",
            choices=AnswerChannel.values,
            default="",
            help="answer: how it came (default: phone)",
        )
        parser.add_argument(
            "--user", metavar="USERNAME", help="who writes (default: RELANCE_USER or login)"
        )
        add_company_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        company = company_from_options(options)
        customer = customer_of(company, options["customer"])
        if options["channel"] and not options["answer"]:
            raise CommandError(_("--channel goes with --answer."))
        author = user_named(options["user"])
        try:
            note = add_note(
                customer,
                options["text"],
                author=author,
                answer=options["answer"],
                channel=options["channel"] or AnswerChannel.PHONE,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        when = timezone.localtime(note.at).strftime("%Y-%m-%d %H:%M")
        if note.is_answer:
            message = _("Answer by %(channel)s from %(customer)s recorded (%(when)s).") % {
                "channel": note.get_channel_display(),
                "customer": customer.code,
                "when": when,
            }
        else:
            message = _("Note on %(customer)s recorded (%(when)s).") % {
                "customer": customer.code,
                "when": when,
            }
        self.stdout.write(message)
