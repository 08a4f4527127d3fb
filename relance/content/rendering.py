"""Turning a template and a reminder into the words that leave: subject, body, signature and
legal mention, each as plain text and as safe HTML.

The template a reminder uses is found with fallbacks: its level in its language, the channel's
default in that language, then the same in the company's default language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.utils import translation
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext_lazy
from django.utils.translation import gettext as _
from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from relance.channels.sms.encoding import analyse, gsm_friendly
from relance.content import sandbox
from relance.content.context import level_name, template_context
from relance.content.email_styles import NO_STYLES, email_styles
from relance.content.invoice_table import invoice_table
from relance.content.models import SubjectMode, Template
from relance.content.reminder import Reminder

_PARAGRAPHS = re.compile(r"\n[ \t]*\n+")
_TABLE = "\x00invoice-table\x00"
SUBJECT_JOIN = " – "


class MissingTemplate(LookupError):
    pass


@dataclass(frozen=True)
class RenderedParts:
    subject: str
    body_text: str
    body_html: Markup
    signature_text: str
    signature_html: Markup
    legal_mention: str
    # The formatted context the parts were rendered over, for the layouts around them.
    context: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # Whether the HTML holds only what render_parts writes (paragraphs, line breaks, the
    # invoice table) and no markup of the template's own: the e-mail layout can then style
    # it without a CSS inliner (relance/content/email_styles.py).
    markup_is_ours: bool = field(default=False, compare=False, repr=False)


def layout_environment(package: str, folder: str) -> Environment:
    """An environment for our own layouts (not user-edited): autoescaped, translated with
    Django's catalogue."""
    env = sandbox.DictKeysFirst(
        loader=PackageLoader(package, folder),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env


@lru_cache(maxsize=1)
def layouts() -> Environment:
    return layout_environment("relance.content", "layouts")


class TemplateSet:
    """A company's templates, read once, looked up with the fallbacks."""

    def __init__(self, company_id: int, default_language: str) -> None:
        self.default_language = default_language
        templates: list[Template] = list(Template.objects.filter(company_id=company_id))
        if not templates:
            # A company that never loaded templates still sends the shipped content.
            from relance.content.services import shipped_templates

            templates = shipped_templates()
        self.by_key = {(t.channel, t.level, t.language): t for t in templates}

    def find(self, channel: str, level: int, language: str) -> Template:
        for lang in dict.fromkeys((language, self.default_language)):
            for key in ((channel, level, lang), (channel, None, lang)):
                if key in self.by_key:
                    return self.by_key[key]
        raise MissingTemplate(
            f"no {channel} template for level {level} in {language} "
            f"or {self.default_language}: add one in the admin or load the shipped ones"
        )


def render_parts(template: Template, reminder: Reminder) -> RenderedParts:
    """Render ``template`` for ``reminder`` in the reminder's language. Raises
    ``sandbox.RenderError`` when the template fails or an SMS is too long."""
    with translation.override(reminder.language):
        context = template_context(reminder)
        if template.channel == "sms":
            context["invoice_table"] = ", ".join(i.number for i in reminder.invoices)
        else:
            context["invoice_table"] = text_invoice_table(context, reminder.charges_penalties)
        legal = sandbox.render(template.legal_mention, context).strip()
        context["legal_mention"] = legal
        subject = _subject(template, reminder, context)
        body_text = sandbox.render(template.body, context).strip()
        signature_text = sandbox.render(template.signature, context).strip()
        html_context = dict(context, invoice_table=_TABLE)
        body_source = sandbox.render(template.body, html_context, html=True)
        signature_source = sandbox.render(template.signature, context, html=True)
        # Values are escaped: a "<" comes from the template's own text.
        markup_is_ours = "<" not in body_source and "<" not in signature_source
        body_html = _paragraphs(body_source)
        if _TABLE in body_html:
            # An e-mail's table carries its inline CSS: written with it, not inlined later.
            # Markup of the template's own is inlined whole by css-inline (compose.html_body).
            styles = email_styles() if template.channel == "email" and markup_is_ours else NO_STYLES
            table = html_invoice_table(context, styles)
            body_html = Markup(str(body_html).replace(f"<p>{_TABLE}</p>", table))
            body_html = Markup(str(body_html).replace(_TABLE, table))
        signature_html = _paragraphs(signature_source)
    if template.channel == "sms":
        # Babel's no-break spaces and typographic quotes would switch the SMS to UCS-2.
        body_text = gsm_friendly(body_text)
        length = analyse(body_text).length
        if template.max_length and length > template.max_length:
            raise sandbox.RenderError(
                _("the message has %(length)d characters, more than the %(max)d allowed")
                % {"length": length, "max": template.max_length}
            )
    return RenderedParts(
        subject,
        body_text,
        body_html,
        signature_text,
        signature_html,
        legal,
        context,
        markup_is_ours,
    )


def _subject(template: Template, reminder: Reminder, context: dict[str, Any]) -> str:
    if template.subject_mode == SubjectMode.FIXED:
        return " ".join(sandbox.render(template.subject, context).split())
    parts = []
    for keyword in (k.strip() for k in template.subject_keywords.split(",")):
        if keyword == "company":
            parts.append(reminder.sender.name)
        elif keyword == "customer":
            parts.append(reminder.customer_name)
        elif keyword == "level":
            parts.append(level_name(reminder.level, reminder.formal_notice))
        elif keyword == "invoices":
            parts.append(_invoice_numbers(reminder))
        elif keyword == "total":
            parts.append(_("Total due %(total)s") % {"total": context["total"]["grand"]})
    return SUBJECT_JOIN.join(part for part in parts if part)


def _invoice_numbers(reminder: Reminder, shown: int = 3) -> str:
    numbers = [invoice.number for invoice in reminder.invoices]
    listed = ", ".join(numbers[:shown]) + (" …" if len(numbers) > shown else "")
    return ngettext("Invoice %(numbers)s", "Invoices %(numbers)s", len(numbers)) % {
        "numbers": listed
    }


def _paragraphs(html: str) -> Markup:
    """Blank lines separate paragraphs; single line breaks stay. The text is already escaped
    by the sandbox's autoescaping."""
    blocks = [block.strip() for block in _PARAGRAPHS.split(html.strip()) if block.strip()]
    return Markup("".join(f"<p>{block.replace(chr(10), '<br>')}</p>" for block in blocks))


def html_invoice_table(context: dict[str, Any], styles: Any = NO_STYLES) -> str:
    """The invoice table, unstyled for print; an e-mail's passes ``email_styles()``."""
    return invoice_table(context, labels(), styles)


# The layouts' words, translated once per language rather than at every render.
LABELS = {
    "invoice_no": gettext_lazy("Invoice no."),
    "invoice_date": gettext_lazy("Invoice date"),
    "due_date": pgettext_lazy("invoice table", "Due date"),
    "amount": gettext_lazy("Amount incl. tax"),
    "open": gettext_lazy("Left to pay"),
    "status": gettext_lazy("Status"),
    "interest": gettext_lazy("Interest"),
    "indemnity": gettext_lazy("Indemnity"),
    "total_open": gettext_lazy("Total left to pay"),
    "total_claimed": gettext_lazy("Total claimed, penalties included"),
    "payment_details": gettext_lazy("Payment details"),
    "iban": gettext_lazy("IBAN"),
    "bic": gettext_lazy("BIC"),
    "reference": gettext_lazy("Reference to quote"),
    "pay_online": gettext_lazy("Pay online"),
    "siren": gettext_lazy("SIREN"),
    "vat": gettext_lazy("VAT"),
}


def labels() -> dict[str, str]:
    return _labels(translation.get_language())


@lru_cache(maxsize=32)
def _labels(language: str) -> dict[str, str]:
    return {key: str(value) for key, value in LABELS.items()}


def text_invoice_table(context: dict[str, Any], penalties: bool) -> str:
    """The invoice table for the text part: aligned columns, amounts to the right."""
    header = (_("Invoice no."), _("Due date"), _("Left to pay"), _("Status"))
    rows = [header] + [
        (i["number"], i["due_date"], i["open_amount"], i["status"]) for i in context["invoices"]
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines = [
        "  ".join(
            cell.rjust(width) if column == 2 else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]
    total = context["total"]
    lines.append(_("Total left to pay: %(total)s") % {"total": total["open"]})
    if penalties:
        lines.append(_("Late-payment interest: %(amount)s") % {"amount": total["interest"]})
        lines.append(_("Recovery indemnity: %(amount)s") % {"amount": total["indemnity"]})
        lines.append(_("Total claimed: %(amount)s") % {"amount": total["grand"]})
    return "\n".join(lines)
