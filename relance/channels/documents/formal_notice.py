"""The formal notice ("mise en demeure de payer") attached at the formal-notice level.

A formal letter in the layout of the postal letters: the overdue invoices with the interest and
the recovery indemnity each one bears, the totals, the legal basis, the deadline to pay and the
template's legal mention. Its wording is ours, not the template's: it is the legal document,
the e-mail it is attached to carries the tone of the level.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from babel.numbers import format_percent
from django.utils import translation
from django.utils.translation import gettext as _
from markupsafe import Markup

from relance.channels import qr
from relance.channels.letter import layout
from relance.content import formatting
from relance.content.context import template_context
from relance.content.reminder import Reminder
from relance.content.rendering import RenderedParts, html_invoice_table

DEADLINE_DAYS = 8  # the usual time given to pay after a formal notice


def formal_notice_pdf(
    reminder: Reminder, parts: RenderedParts, *, deadline_days: int = DEADLINE_DAYS
) -> bytes:
    with translation.override(reminder.language):
        html = layout.document_html(
            [formal_notice_section(reminder, parts, deadline_days)],
            _("Formal notice to pay"),
            reminder.language,
        )
    return bytes(layout.render(html).write_pdf())


def formal_notice_section(
    reminder: Reminder, parts: RenderedParts, deadline_days: int
) -> layout.Section:
    """The notice's HTML; call it inside ``translation.override(reminder.language)``."""
    language = reminder.language
    context = template_context(reminder)
    page = layout.page_view(reminder, 0)
    values = {
        "page": page,
        "reference": reminder.payment_reference,
        "contact": reminder.contact_name,
        "as_of": context["as_of"],
        "table": Markup(html_invoice_table(context)),
        "legal_basis": legal_basis(reminder),
        "total": context["total"]["grand"],
        "days": deadline_days,
        "deadline": formatting.day(
            reminder.as_of + timedelta(days=deadline_days), language, "long"
        ),
        "legal_mention": parts.legal_mention,
        "pay": layout.payment_view(
            reminder,
            link=context["payment"]["link"],
            qr_uri=qr.payment_qr_uri(reminder),
            amount=context["total"]["grand"],
        ),
        "signature_html": parts.signature_html,
        "signatory": reminder.signatory,
    }
    html = layout.environment().get_template("formal_notice.html").render(values)
    return layout.Section(html, page["page_label"])


def legal_basis(reminder: Reminder) -> list[str]:
    """The articles the claim rests on: the Commercial Code's penalties between businesses,
    the Civil Code's formal notice for a consumer (no recovery indemnity can be claimed)."""
    if not reminder.business:
        return [
            _(
                "This letter is a formal notice to pay within the meaning of article 1344 of "
                "the French Civil Code; interest at the legal rate runs from its date "
                "(article 1231-6 of the French Civil Code)."
            )
        ]
    sentences = []
    if any(invoice.interest is not None for invoice in reminder.invoices):
        sentences.append(
            _(
                "Under article L441-10 of the French Commercial Code, late-payment interest "
                "is due from the day after each due date until payment in full, without any "
                "reminder being necessary."
            )
        )
        rate = _single_rate(reminder)
        if rate is not None:
            sentences.append(
                _(
                    "It is calculated at the annual rate of %(rate)s, on the amount due "
                    "including tax."
                )
                % {
                    "rate": format_percent(
                        rate / 100, locale=language_locale(reminder), decimal_quantization=False
                    )
                }
            )
    indemnities = {i.indemnity for i in reminder.invoices if i.indemnity is not None}
    if indemnities:
        sentences.append(
            _(
                "A fixed recovery indemnity of %(amount)s is also due for each invoice paid "
                "late (articles L441-10 and D441-5 of the French Commercial Code)."
            )
            % {"amount": formatting.money(max(indemnities), reminder.currency, reminder.language)}
        )
    return sentences


def _single_rate(reminder: Reminder) -> Decimal | None:
    rates = {i.interest_rate for i in reminder.invoices if i.interest is not None}
    return rates.pop() if len(rates) == 1 and None not in rates else None


def language_locale(reminder: Reminder) -> str:
    return reminder.language.replace("-", "_")
