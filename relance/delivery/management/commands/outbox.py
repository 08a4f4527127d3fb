import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from relance.delivery import decisions
from relance.delivery.models import Message, MessageState
from relance.delivery.selectors import as_json, counts_by_state, outbox
from relance.ledger.management.options import add_company_option, company_from_options


class Command(BaseCommand):
    help = (
        "List the outbox (every message queued, sent, failed, uncertain or to post), or decide "
        "about one message: confirm it was sent, send it again, cancel it, mark a letter posted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--state", choices=[state for state, _label in MessageState.choices])
        parser.add_argument("--run", type=int, help="only this run")
        parser.add_argument("--customer", help="only this customer (code)")
        parser.add_argument("--channel", choices=["email", "sms", "letter"])
        parser.add_argument("--limit", type=int, default=200)
        parser.add_argument("--format", choices=["table", "json"], default="table")
        decide = parser.add_mutually_exclusive_group()
        decide.add_argument("--confirm", type=int, metavar="ID", help="an uncertain message left")
        decide.add_argument("--resend", type=int, metavar="ID", help="send it again")
        decide.add_argument("--cancel", type=int, metavar="ID", help="don't send it (--reason)")
        decide.add_argument("--posted", type=int, metavar="ID", help="the letter is posted")
        parser.add_argument("--reason", default="", help="why a message is cancelled")
        parser.add_argument("--reference", default="", help="registered-mail number (--posted)")
        add_company_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        company = company_from_options(options)
        for decision in ("confirm", "resend", "cancel", "posted"):
            if options[decision] is not None:
                self._decide(company, decision, options)
                return
        messages = outbox(
            company,
            state=options["state"],
            run=options["run"],
            customer=options["customer"],
            channel=options["channel"],
        )[: options["limit"]]
        if options["format"] == "json":
            payload = {
                "counts": counts_by_state(company, options["run"]),
                "messages": [as_json(message) for message in messages],
            }
            self.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False))
            return
        console = Console(file=self.stdout, width=160)  # type: ignore[arg-type]
        table = Table(title=_("Outbox"))
        for column in ("id", _("run"), _("customer"), _("channel"), _("level"), _("state")):
            table.add_column(column)
        for column in (_("attempts"), _("next attempt"), _("recipients"), _("detail")):
            table.add_column(column)
        for message in messages:
            table.add_row(
                str(message.pk),
                str(message.run_id or ""),
                message.customer.code,
                message.channel,
                f"N{message.level}",
                message.get_state_display(),
                str(message.attempts),
                timezone.localtime(message.next_attempt_at).strftime("%Y-%m-%d %H:%M")
                if message.next_attempt_at and message.state == MessageState.PENDING
                else "",
                ", ".join(message.recipients),
                message.last_error or (message.get_event_display() if message.event else ""),
            )
        console.print(table)
        counts = counts_by_state(company, options["run"])
        self.stdout.write(
            ", ".join(
                f"{MessageState(state).label}: {counts[state]}"
                for state, _label in MessageState.choices
                if counts.get(state)
            )
        )

    def _decide(self, company: Any, decision: str, options: dict[str, Any]) -> None:
        try:
            message = Message.objects.get(company=company, pk=options[decision])
        except Message.DoesNotExist:
            raise CommandError(
                _("No message %(id)s in company %(company)s.")
                % {"id": options[decision], "company": company.code}
            ) from None
        try:
            if decision == "confirm":
                decisions.confirm_sent(message)
            elif decision == "resend":
                decisions.resend(message)
            elif decision == "cancel":
                decisions.cancel(message, options["reason"])
            else:
                decisions.mark_posted(message, reference=options["reference"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        message.refresh_from_db()
        self.stdout.write(
            _("Message %(id)s: %(state)s.")
            % {"id": message.pk, "state": message.get_state_display()}
        )
