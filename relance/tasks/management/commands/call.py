from argparse import ArgumentTypeError
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.ledger.management.options import add_company_option, company_from_options
from relance.tasks.management.people import user_named
from relance.tasks.models import CallOutcome, Task
from relance.tasks.outcomes import record_call_outcome

# The service's argument names, as the options spell them.
OPTION_OF = {
    "amount": "--amount",
    "until": "--until",
    "invoices": "--invoice",
    "call_back_at": "--call-back",
    "dispute_reason": "--reason",
    "at": "--at",
    "outcome": "--outcome",
}


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ArgumentTypeError(f"{value!r} is not a moment (YYYY-MM-DD HH:MM)") from exc
    # Local time, as the collector reads the clock, unless the value says otherwise.
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


def _amount(value: str) -> Decimal:
    try:
        return Decimal(value.replace(",", ".").replace(" ", ""))
    except InvalidOperation as exc:
        raise ArgumentTypeError(f"{value!r} is not an amount") from exc


class Command(BaseCommand):
    help = "Record the outcome of a call from the to-do list."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("task", type=int, metavar="TASK_ID")
        parser.add_argument("--outcome", required=True, choices=CallOutcome.values)
        parser.add_argument("--amount", type=_amount, help="promise: the amount promised")
        parser.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="promise: pay-by day")
        parser.add_argument("--reason", default="", help="dispute: why the customer disputes")
        parser.add_argument(
            "--invoice",
            action="append",
            default=[],
            metavar="NUMBER",
            help="invoice concerned (repeat; dispute default: the invoices of the reminder)",
        )
        parser.add_argument(
            "--call-back", type=_moment, metavar="'YYYY-MM-DD HH:MM'", help="call back: when"
        )
        parser.add_argument(
            "--at", type=_moment, metavar="'YYYY-MM-DD HH:MM'", help="when the call was made"
        )
        parser.add_argument("--phone", default="", help="the number dialled (wrong number)")
        parser.add_argument("--note", default="")
        parser.add_argument(
            "--user", metavar="USERNAME", help="who called (default: RELANCE_USER or login)"
        )
        add_company_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        company = company_from_options(options)
        task = Task.objects.filter(company=company, pk=options["task"]).first()
        if task is None:
            raise CommandError(
                _("No task %(id)s in company %(company)s.")
                % {"id": options["task"], "company": company.code}
            )
        user = user_named(options["user"])
        try:
            result = record_call_outcome(
                task,
                options["outcome"],
                user=user,
                at=options["at"],
                note=options["note"],
                amount=options["amount"],
                until=options["until"],
                invoices=options["invoice"],
                call_back_at=options["call_back"],
                dispute_reason=options["reason"],
                phone=options["phone"],
            )
        except ValidationError as exc:
            raise CommandError(_describe(exc)) from exc
        lines = [
            _("Task %(id)s closed: %(outcome)s.")
            % {"id": task.pk, "outcome": CallOutcome(options["outcome"]).label}
        ]
        if result.promise is not None:
            lines.append(
                _("Promise to pay %(amount)s %(currency)s by %(until)s recorded.")
                % {
                    "amount": result.promise.amount,
                    "currency": result.promise.currency,
                    "until": result.promise.until.isoformat(),
                }
            )
        if result.disputes:
            lines.append(
                _("Disputed: %(numbers)s.")
                % {"numbers": ", ".join(d.invoice.number for d in result.disputes)}
            )
        if result.follow_up is not None:
            lines.append(
                _("Next call: task %(id)s, due %(due)s.")
                % {
                    "id": result.follow_up.pk,
                    "due": timezone.localtime(result.follow_up.due_at).strftime("%Y-%m-%d %H:%M"),
                }
            )
        if result.gave_up:
            lines.append(_("No further call: the limit of unanswered calls is reached."))
        self.stdout.write("\n".join(lines))


def _describe(error: ValidationError) -> str:
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return "; ".join(
        f"{OPTION_OF.get(field, field)}: {' '.join(ValidationError(messages).messages)}"
        for field, messages in error.error_dict.items()
    )
