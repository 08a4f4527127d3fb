"""What one action of a run would send, before it is launched: the reminder built from the
action's snapshot as queueing builds it (``reminders_for_actions``), rendered by the channel
code queueing and ``relance preview`` use. Nothing is stored, sent or journalled."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from relance.channels.email.prepare import prepare_one
from relance.channels.preview import render_files
from relance.channels.sms.encoding import SmsInfo, analyse
from relance.content.loading import reminders_for_actions
from relance.content.rendering import MissingTemplate, TemplateSet, render_parts
from relance.content.sandbox import RenderError
from relance.engine.penalties import MissingRate
from relance.ledger.validators import is_mobile
from relance.runs.models import Action


@dataclass(frozen=True)
class ActionPreview:
    channel: str
    recipients: tuple[str, ...] = ()
    subject: str = ""
    html: str = ""  # an e-mail's HTML part
    text: str = ""  # an e-mail's text part, an SMS, a call script
    attachments: tuple[str, ...] = ()
    pdf: bytes = b""  # a letter
    sms: SmsInfo | None = None
    # Why nothing would leave (no template, no address): what the launch would report.
    error: str = ""


def preview_action(action: Action) -> ActionPreview:
    """``action`` (customer and contacts loaded) as it would leave if launched now."""
    company = action.company
    try:
        reminder = reminders_for_actions(company, [action])[0]
        templates = TemplateSet(company.pk, company.default_language)
        if action.channel == "email":
            prepared = prepare_one(reminder, templates)
            message = prepared.message
            if message is None:
                return ActionPreview(action.channel, error=prepared.error)
            alternatives = message.alternatives
            return ActionPreview(
                action.channel,
                recipients=tuple(message.to),
                subject=str(message.subject),
                html=str(alternatives[0][0]) if alternatives else "",
                text=str(message.body),
                attachments=tuple(_file_name(item) for item in message.attachments),
                error="" if message.to else _("no e-mail address"),
            )
        if action.channel == "letter":
            pdf = next(
                content
                for name, content in render_files(reminder, templates).items()
                if name.endswith(".pdf")
            )
            return ActionPreview(action.channel, recipients=(reminder.customer_name,), pdf=pdf)
        if action.channel == "sms":
            template = templates.find("sms", reminder.level, reminder.language)
            text = render_parts(template, reminder).body_text
            # The outbox texts the first mobile number only (delivery.queueing).
            mobiles = tuple(number for number in reminder.phones if is_mobile(number))[:1]
            return ActionPreview(
                action.channel,
                recipients=mobiles,
                text=text,
                sms=analyse(text),
                error="" if mobiles else _("no mobile phone number"),
            )
        # A call becomes a task carrying this script (relance.tasks.calls).
        from relance.tasks.calls import call_scripts

        return ActionPreview(
            action.channel,
            recipients=reminder.phones,
            text=call_scripts(company, [action])[action.pk],
        )
    except (MissingTemplate, RenderError, MissingRate) as exc:
        return ActionPreview(action.channel, error=str(exc))


def _file_name(attachment: object) -> str:
    if isinstance(attachment, tuple):
        return str(attachment[0])
    return str(attachment.get_filename() or "")  # type: ignore[attr-defined]
