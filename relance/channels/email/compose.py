"""The reminder e-mail: multipart/alternative (plain text + HTML with inlined CSS), our own
Message-ID, sender and reply-to per the level's sender role, and its attachments."""

from __future__ import annotations

from collections.abc import Sequence
from email.utils import formataddr, make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.utils import translation
from django.utils.translation import gettext as _
from markupsafe import Markup

from relance.content.context import template_context
from relance.content.email_styles import NO_STYLES, email_styles, inliner
from relance.content.reminder import Reminder
from relance.content.rendering import RenderedParts, labels, layouts

Attachment = tuple[str, bytes, str]


def html_body(reminder: Reminder, parts: RenderedParts) -> str:
    """The HTML part: the layout around the parts, every element with its CSS inline. The
    layout and the parts ``render_parts`` writes carry their inline styles already
    (``email_styles``); markup of a template's own, or parts made elsewhere, go through
    css-inline, as every message once did."""
    styled = parts.markup_is_ours
    styles = email_styles()
    body, signature = parts.body_html, parts.signature_html
    if styled:
        # The paragraphs are the only elements of the body and signature left unstyled.
        body = Markup(str(body).replace("<p>", f"<p{styles.body_p}>"))
        signature = Markup(str(signature).replace("<p>", f"<p{styles.signature_p}>"))
    with translation.override(reminder.language):
        context = parts.context or template_context(reminder)
        html = (
            layouts()
            .get_template("email.html")
            .render(
                context,
                language=reminder.language,
                subject=parts.subject,
                body=body,
                signature=signature,
                legal_mention=parts.legal_mention,
                labels=labels(),
                styles=styles if styled else NO_STYLES,
            )
        )
    return html if styled else str(inliner().inline(html))


def text_body(reminder: Reminder, parts: RenderedParts) -> str:
    with translation.override(reminder.language):
        context = parts.context or template_context(reminder)
        blocks = []
        if parts.legal_mention:
            blocks.append(parts.legal_mention)
        blocks.append(parts.body_text)
        blocks.append(_payment_text(context["payment"]))
        blocks.append(parts.signature_text)
        company = context["company"]
        footer = " – ".join(
            part
            for part in (
                company["legal_name"],
                company["address"],
                company["siren"] and _("SIREN %(number)s") % {"number": company["siren"]},
            )
            if part
        )
        blocks.append("-- \n" + footer)
    return "\n\n".join(block for block in blocks if block) + "\n"


def _payment_text(payment: dict[str, str]) -> str:
    lines = []
    if payment["iban"]:
        bank = _("IBAN") + ": " + payment["iban"]
        if payment["bic"]:
            bank += " – " + _("BIC") + ": " + payment["bic"]
        lines.append(bank)
    if lines or payment["link"]:
        lines.append(_("Reference to quote") + ": " + payment["reference"])
    if payment["link"]:
        lines.append(_("Pay online") + ": " + payment["link"])
    return "\n".join([_("Payment details"), *lines]) if lines else ""


def compose(
    reminder: Reminder, parts: RenderedParts, attachments: Sequence[Attachment] = ()
) -> EmailMultiAlternatives:
    sender = reminder.sender
    person = reminder.from_person
    address = sender.email or settings.DEFAULT_FROM_EMAIL
    display = (
        f"{person.name} – {sender.name}" if person and person.name != sender.name else sender.name
    )
    domain = address.rpartition("@")[2] or str(DNS_NAME)
    reply_to = person.email if person and person.email else sender.email
    message = EmailMultiAlternatives(
        subject=parts.subject,
        body=text_body(reminder, parts),
        from_email=formataddr((display, address)),
        to=list(reminder.recipients),
        reply_to=[reply_to] if reply_to else None,
        headers={
            # No idstring: a longer id gets folded onto a second header line.
            "Message-ID": make_msgid(domain=domain),
            "Content-Language": reminder.language,
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html_body(reminder, parts), "text/html")
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    return message
